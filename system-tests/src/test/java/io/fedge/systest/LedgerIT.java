package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.ledger.cli.LedgerCli;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger end to end with a real hub and agent process: the agent gets and verifies a receipt
 * for its enrollment; an entry altered in the hub database is caught by the agent (alarm, no more
 * participation, reported to the hub) and by {@code fedge ledger audit}; ops clear the alarm.
 */
class LedgerIT {
  @TempDir Path dir;
  private HubProcess hub;
  private AgentProcess agent;

  @AfterEach
  void stopAll() {
    if (agent != null) {
      agent.stop();
    }
    if (hub != null) {
      hub.stop();
    }
  }

  record Cli(int code, String out, String err) {}

  static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LedgerCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  static JsonNode receipts(AgentProcess a) {
    return a.status().path("ledgerReceipts");
  }

  @Test
  void alteredEntryIsDetectedByTheAgentAndByTheAuditAndOpsClearTheAlarm() throws Exception {
    hub = HubProcess.start("ledger-hub", dir.resolve("hub"), Map.of("ledger.checkpoint.interval", "PT0.5S"));
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("ledger-agent", dir.resolve("agent"), ops.mintClaimBundle("dealers-east", 3600),
        Map.of("ledger.watch.interval", "PT1S"));
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();

    // The enrollment entry names the device: it gets a receipt and verifies it.
    await("verified receipt").atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode r = receipts(agent);
      return r.size() == 1 && "VERIFIED".equals(r.get(0).path("state").asText());
    });
    JsonNode receipt = receipts(agent).get(0);
    assertThat(receipt.path("type").asText()).isEqualTo("enrollment");
    assertThat(agent.status().path("ledgerParticipationAllowed").asBoolean()).isTrue();

    // The auditor's view: public key out of band (the hub's data dir), entry, proof, checkpoint.
    Path key = dir.resolve("hub/ledger/ledger-key.pub");
    assertThat(WireCodec.mapper().readTree(dir.resolve("hub/run/hub.json").toFile()).path("ledgerPublicKey").asText())
        .isEqualTo(Files.readString(key).trim());
    JsonNode cp = ops.get("/api/v1/ledger/checkpoint").body();
    JsonNode entry = ops.get("/api/v1/ledger/entries?start=0&limit=10").body().path("entries").get(0);
    JsonNode proof = ops.get("/api/v1/ledger/proof/inclusion?index=0&size=" + cp.path("size").asLong()).body();
    Files.writeString(dir.resolve("entry.json"), entry.path("entry").asText());
    Files.writeString(dir.resolve("proof.json"), proof.toString());
    Files.writeString(dir.resolve("checkpoint.txt"), cp.path("note").asText());
    Cli verify = cli("verify", "--entry", dir.resolve("entry.json").toString(), "--proof", dir.resolve("proof.json").toString(),
        "--checkpoint", dir.resolve("checkpoint.txt").toString(), "--public-key", key.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out()).startsWith("OK: entry 0 (enrollment)");
    String db = "jdbc:sqlite:" + dir.resolve("hub/hub.db");
    Cli audit = cli("audit", "--db", db, "--public-key", key.toString());
    assertThat(audit.code()).as(audit.err()).isZero();
    Cli auditHub = cli("audit", "--hub", hub.url(), "--token-file", dir.resolve("hub/ops-token-copy").toString(),
        "--ca-fingerprint", hub.caFingerprint(), "--public-key", key.toString());
    assertThat(auditHub.code()).as("missing token file is a usage error").isEqualTo(2);
    Files.writeString(dir.resolve("token"), HubProcess.OPS_TOKEN);
    auditHub = cli("audit", "--hub", hub.url(), "--token-file", dir.resolve("token").toString(),
        "--ca-fingerprint", hub.caFingerprint(), "--public-key", key.toString());
    assertThat(auditHub.code()).as(auditHub.err()).isZero();

    // Someone with database access rewrites the logged enrollment (UPDATE the row), hub restarted.
    hub.stop();
    try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("UPDATE ledger_entries SET entry = replace(entry, 'dealers-east', 'dealers-west') WHERE idx = 0"))
          .isEqualTo(1);
    }
    hub = hub.restart();
    ops = hub.ops();

    Cli tampered = cli("audit", "--db", db, "--public-key", key.toString());
    assertThat(tampered.code()).isEqualTo(1);
    assertThat(tampered.err()).contains("entry 0 does not hash to its stored leaf hash");
    Cli tamperedHub = cli("audit", "--hub", hub.url(), "--token-file", dir.resolve("token").toString(),
        "--ca-fingerprint", hub.caFingerprint(), "--public-key", key.toString());
    assertThat(tamperedHub.code()).isEqualTo(1);
    assertThat(tamperedHub.err()).contains("recomputed root at size");

    // The agent re-checks its receipted entry, finds it altered, stops taking part, tells the hub.
    await("agent alarm").atMost(Duration.ofSeconds(30)).until(() -> !agent.status().path("ledgerParticipationAllowed").asBoolean(true));
    assertThat(agent.status().path("ledgerAlarm").path("check").asText()).isEqualTo("ENTRY");
    assertThat(receipts(agent).get(0).path("state").asText()).isEqualTo("FAILED");
    OpsClient o = ops;
    await("alarm at the hub").atMost(Duration.ofSeconds(30)).until(() -> o.get("/api/v1/ledger/alarms").body().path("alarms").size() == 1);
    JsonNode alarm = ops.get("/api/v1/ledger/alarms").body().path("alarms").get(0);
    assertThat(alarm.path("deviceId").asText()).isEqualTo(id);
    assertThat(alarm.path("reason").asText()).contains("differs from its receipt");

    // Ops clear it: the device takes part again (until the next failed check).
    assertThat(ops.post("/api/v1/ledger/alarms/" + id + "/clear", Map.of("note", "restored from backup")).status()).isEqualTo(200);
    try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE ledger_entries SET entry = replace(entry, 'dealers-west', 'dealers-east') WHERE idx = 0");
    }
    await("cleared").atMost(Duration.ofSeconds(30)).until(() -> agent.status().path("ledgerParticipationAllowed").asBoolean(false));
    assertThat(ops.get("/api/v1/ledger/alarms").body().path("alarms").size()).isZero();
    assertThat(cli("audit", "--db", db, "--public-key", key.toString()).code()).isZero();
  }
}
