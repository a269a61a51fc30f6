package io.fedge.hub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.SignedNote;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EVM anchor against a real local development chain: Ganache 7 (from the npm registry,
 * installed into {@code target/ganache} by this test's setup when missing; needs Node.js and npm,
 * which .ci/run installs), started on a free port with one funded account whose key the test made.
 */
class EvmAnchorTest {
  static final String GANACHE_VERSION = "7.9.2";
  static final String KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  static final String UNFUNDED_KEY = "8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f";
  static Process ganache;
  static URI rpc;

  @TempDir static Path dir;

  @BeforeAll
  static void startChain() throws Exception {
    Path home = Path.of("target", "ganache").toAbsolutePath();
    Path bin = home.resolve("node_modules/.bin/ganache");
    if (!Files.isExecutable(bin)) {
      Files.createDirectories(home);
      Process npm = new ProcessBuilder("npm", "install", "--prefix", home.toString(), "--no-audit", "--no-fund", "ganache@" + GANACHE_VERSION)
          .redirectErrorStream(true).redirectOutput(home.resolve("npm-install.log").toFile()).start();
      if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        fail("could not install ganache " + GANACHE_VERSION + " with npm (needs Node.js, npm and the npm registry); see " + home.resolve("npm-install.log"));
      }
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ganache = new ProcessBuilder(bin.toString(), "--server.host", "127.0.0.1", "--server.port", Integer.toString(port),
        "--chain.chainId", "1337", "--wallet.accounts", "0x" + KEY + ",0x3635C9ADC5DEA00000", "--logging.quiet", "true")
        .redirectErrorStream(true).redirectOutput(dir.resolve("ganache.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (!ganache.isAlive() || System.nanoTime() > deadline) {
          fail("ganache did not start: " + Files.readString(dir.resolve("ganache.log")));
        }
        Thread.sleep(200);
      }
    }
    rpc = URI.create("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stopChain() throws InterruptedException {
    if (ganache != null) {
      ganache.destroy();
      if (!ganache.waitFor(10, TimeUnit.SECONDS)) {
        ganache.destroyForcibly();
      }
    }
  }

  @Test
  void checkpointsAreWrittenToTheChainAndReadBackByAnAuditor() throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hub.db"))) {
      Migrations.migrateToLatest(db);
      NoteSigner key = NoteSigner.generate("anchor.example/ledger");
      HubLedger ledger = new HubLedger(new LedgerStore(db), key, Clock.systemUTC());
      EvmAnchor anchor = new EvmAnchor(rpc, KEY, 1337, Duration.ofSeconds(30));
      ledger.addAnchor(anchor);
      for (int i = 0; i < 5; i++) {
        ledger.append(EntryTypes.ENROLLMENT, Map.of("n", i), List.of());
      }
      var cp = ledger.checkpoint();
      ledger.anchorLatest();
      assertThat(ledger.store().lastAnchoredSize("evm")).isEqualTo(5);
      String tx = db.inTransaction(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT reference FROM ledger_anchors WHERE size = 5")) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertThat(tx).matches("0x[0-9a-f]{64}");
      Checkpoint signed = Checkpoint.parse(SignedNote.open(cp.note(), key.verifier()));
      assertThat(anchor.anchoredBody(tx)).isEqualTo(signed.toBody());

      // A conflicting checkpoint of the same size (a fork) does not match what the chain holds.
      byte[] other = cp.rootHash();
      other[0] ^= 1;
      assertThat(anchor.anchoredBody(tx)).isNotEqualTo(new Checkpoint(signed.origin(), 5, other).toBody());

      // Anchoring again without a new checkpoint writes nothing; a new checkpoint gets its own transaction.
      ledger.anchorLatest();
      ledger.append(EntryTypes.ENROLLMENT, Map.of("n", 5), List.of());
      ledger.checkpoint();
      ledger.anchorLatest();
      assertThat(ledger.store().lastAnchoredSize("evm")).isEqualTo(6);
    }
  }

  @Test
  void anAccountWithoutFundsFailsToAnchorAndNothingIsRecorded() throws Exception {
    EvmAnchor poor = new EvmAnchor(rpc, UNFUNDED_KEY, 1337, Duration.ofSeconds(10));
    Checkpoint cp = new Checkpoint("anchor.example/ledger", 1, HexFormat.of().parseHex("00".repeat(32)));
    assertThatThrownBy(() -> poor.anchor(cp, "")).isInstanceOf(IOException.class);
  }
}
