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
  void alteredOrDeletedEntryIsDetectedByTheAgentAndByTheAuditAndOpsClearTheAlarm() throws Exception {
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
    await("no alarm").atMost(Duration.ofSeconds(30)).until(() -> agent.status().path("ledgerAlarm").isNull());

    // Now the entry is deleted outright, with the audit row it came from (covering the tracks).
    hub.stop();
    try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM ledger_recipients WHERE idx = 0");
      assertThat(st.executeUpdate("DELETE FROM ledger_entries WHERE idx = 0")).isEqualTo(1);
      st.executeUpdate("DELETE FROM audit_log WHERE action = 'enroll'");
    }
    hub = hub.restart();
    Cli deleted = cli("audit", "--db", db, "--public-key", key.toString());
    assertThat(deleted.code()).isEqualTo(1);
    assertThat(deleted.err()).contains("entries were deleted");
    await("agent sees the deletion").atMost(Duration.ofSeconds(30))
        .until(() -> agent.status().path("ledgerAlarm").path("reason").asText().contains("gone"));
    assertThat(agent.status().path("ledgerParticipationAllowed").asBoolean(true)).isFalse();
  }

  @Test
  void rewrittenHistoryIsDetectedByTheAgentAndByAnAuditorHoldingAnEarlierCheckpoint() throws Exception {
    hub = HubProcess.start("fork-hub", dir.resolve("hub"), Map.of("ledger.checkpoint.interval", "PT0.5S"));
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("fork-agent", dir.resolve("agent"), ops.mintClaimBundle("dealers-east", 3600),
        Map.of("ledger.watch.interval", "PT1S"));
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    await("verified receipt").atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode r = receipts(agent);
      return r.size() == 1 && "VERIFIED".equals(r.get(0).path("state").asText());
    });
    Path key = dir.resolve("hub/ledger/ledger-key.pub");
    String db = "jdbc:sqlite:" + dir.resolve("hub/hub.db");
    Files.writeString(dir.resolve("kept.txt"), ops.get("/api/v1/ledger/checkpoint").body().path("note").asText());

    // A hub operator with the signing key rewrites history consistently: new entry, new leaf
    // hash, old checkpoints dropped, and the hub signs the rewritten log as if nothing happened.
    hub.stop();
    try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
      String forged;
      try (var rs = st.executeQuery("SELECT entry FROM ledger_entries WHERE idx = 0")) {
        rs.next();
        forged = rs.getString(1).replace("dealers-east", "dealers-west");
      }
      try (var ps = c.prepareStatement("UPDATE ledger_entries SET entry = ?, leaf_hash = ? WHERE idx = 0")) {
        ps.setString(1, forged);
        ps.setString(2, java.util.HexFormat.of().formatHex(
            io.fedge.federation.ledger.Rfc9162.leafHash(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      st.executeUpdate("DELETE FROM ledger_checkpoints");
      st.executeUpdate("UPDATE ledger_recipients SET sent_size = NULL, sent_at = NULL");
    }
    hub = hub.restart();
    ops = hub.ops();
    OpsClient o = ops;
    await("re-signed").atMost(Duration.ofSeconds(30)).until(() -> o.get("/api/v1/ledger/checkpoint").status() == 200);

    // The rewritten log is self-consistent: an audit without history cannot tell (docs/ledger.md)...
    assertThat(cli("audit", "--db", db, "--public-key", key.toString()).code()).isZero();
    // ...but an auditor or agent holding an earlier checkpoint can.
    Cli withKept = cli("audit", "--db", db, "--public-key", key.toString(), "--known-checkpoint", dir.resolve("kept.txt").toString());
    assertThat(withKept.code()).isEqualTo(1);
    assertThat(withKept.err()).containsAnyOf("forked", "log was rewritten");
    await("agent sees the fork").atMost(Duration.ofSeconds(30))
        .until(() -> "CONSISTENCY".equals(agent.status().path("ledgerAlarm").path("check").asText()));
    assertThat(agent.status().path("ledgerParticipationAllowed").asBoolean(true)).isFalse();
    await("alarm at the hub").atMost(Duration.ofSeconds(30))
        .until(() -> o.get("/api/v1/ledger/alarms").body().path("alarms").findValuesAsText("check").contains("CONSISTENCY"));
  }
}
