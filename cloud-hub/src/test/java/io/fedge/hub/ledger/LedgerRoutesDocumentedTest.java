package io.fedge.hub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerRoutesDocumentedTest {
  @Test
  void everyLedgerRouteIsInTheOpenApiDocument() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.open("jdbc:sqlite::memory:")) {
      Migrations.migrateToLatest(db);
      HubLedger ledger = new HubLedger(new LedgerStore(db), NoteSigner.generate("x.example/l"), Clock.systemUTC());
      Router r = Router.router(vertx);
      new LedgerRoutes(ledger, id -> true, (d, c) -> {}, Clock.systemUTC()).mount(r, null);
      Set<String> routed = new HashSet<>();
      for (Route route : r.getRoutes()) {
        routed.add(route.getPath().replaceAll(":([a-zA-Z]+)", "{$1}"));
      }
      assertThat(routed).as("guard: the routes were found").hasSizeGreaterThanOrEqualTo(12).contains("/api/v1/ledger/checkpoint");
      JsonNode doc;
      try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
        doc = WireCodec.mapper().readTree(in);
      }
      Set<String> documented = new HashSet<>();
      doc.path("paths").fieldNames().forEachRemaining(documented::add);
      assertThat(documented).containsAll(routed);
    } finally {
      vertx.close();
    }
  }
}
