package io.fedge.hub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.fleet.FleetStore.DeviceFilter;
import io.fedge.hub.fleet.FleetStore.StoredDeviceEvent;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link JdbcHubStore}, {@link Database} and {@link Migrations}, run against every
 * backend by a subclass each. Every test starts on empty, freshly migrated storage.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
abstract class AbstractHubStoreContractTest {

  static final Instant T0 = Instant.parse("2031-03-04T05:06:07.123Z");

  /** The dialect this backend must report. */
  protected abstract Dialect expectedDialect();

  /** Makes empty storage for what follows (a new file, a fresh schema, ...). */
  protected abstract void prepareEmptyStorage() throws Exception;

  /** Opens a database on the storage prepared last; called again, it reopens the same storage. */
  protected abstract Database openDatabase();

  /** Checks that {@code db} really is on the storage this backend claims (file, memory, schema). */
  protected abstract void assertStorage(Database db) throws Exception;

  protected Database db;
  protected JdbcHubStore store;

  @BeforeEach
  void openFreshStore() throws Exception {
    prepareEmptyStorage();
    db = openDatabase();
    assertTalksToTheClaimedDialect(db);
    // Every version of this hub's scripts, in order (features add V2 ledger, V3 rounds, V4 OTA).
    assertThat(Migrations.migrateToLatest(db)).containsExactlyElementsOf(
        Migrations.fromClasspath().scriptsFor(expectedDialect()).stream().map(Migrations.Script::version).toList());
    store = new JdbcHubStore(db);
  }

  @AfterEach
  void closeStore() {
    if (db != null) {
      db.close();
    }
  }

  private void assertTalksToTheClaimedDialect(Database database) throws Exception {
    assertThat(database.dialect()).isEqualTo(expectedDialect());
    String product = database.inTransaction(c -> c.getMetaData().getDatabaseProductName());
    assertThat(product.toLowerCase(Locale.ROOT))
        .as("database product behind %s", database)
        .isEqualTo(expectedDialect() == Dialect.SQLITE ? "sqlite" : "postgresql");
    assertStorage(database);
  }

  // ---------------------------------------------------------------- fixtures

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static ClaimTokenRecord unusedToken(String tokenId, String group) {
    return new ClaimTokenRecord(tokenId, sha256("secret of " + tokenId), group, T0, T0.plus(Duration.ofDays(1)), null, null, "alice");
  }

  static DeviceRecord newDevice(String deviceId, String group) {
    return new DeviceRecord(deviceId, group, "fp-" + deviceId, "serial-" + deviceId, T0.plus(Duration.ofDays(90)), T0, null, null);
  }

  static AuditEvent allowed(String action, String subject, Instant at) {
    return AuditEvent.allowed(at, "alice", action, subject, "10.0.0.1");
  }

  /** Mints a token for the group and enrolls the device with it. */
  void enroll(String deviceId, String group) {
    String tokenId = "tok-" + deviceId;
    store.insertClaimToken(unusedToken(tokenId, group), allowed("claim-token.mint", tokenId, T0));
    assertThat(store.completeEnrollment(tokenId, T0.plusSeconds(1), newDevice(deviceId, group),
        AuditEvent.allowed(T0.plusSeconds(1), "anonymous", "enroll", deviceId, "10.0.0.2"))).isTrue();
  }

  int auditCount() {
    return store.auditTrail(null, 10_000).size();
  }

  DeviceView view(String deviceId) {
    return store.device(deviceId).orElseThrow();
  }

  // ---------------------------------------------------------------- database and schema

  @Test
  void the_database_is_the_backend_this_test_claims() throws Exception {
    assertTalksToTheClaimedDialect(db);
  }

  @Test
  void the_schema_has_every_table_and_column_on_this_backend() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("claim_tokens", List.of("token_id", "secret_hash", "group_name", "created_at", "expires_at", "used_at", "used_by", "created_by"));
    expected.put("devices", List.of("device_id", "group_name", "public_key_fingerprint", "cert_serial", "cert_not_after",
        "enrolled_at", "revoked_at", "revoked_reason", "online", "last_seen", "agent_version", "resources_json"));
    expected.put("device_events", List.of("device_id", "message_id", "at", "name", "detail_json"));
    expected.put("audit_log", List.of("id", "at", "actor", "action", "subject", "outcome", "reason", "source"));
    expected.put("schema_version", List.of("version", "name", "checksum", "applied_at"));
    expected.put("ota_metadata", List.of("name", "content", "version", "updated_at"));
    expected.put("ota_releases", List.of("target", "version", "length", "sha256", "published_at"));
    expected.put("ota_campaigns", List.of("campaign_id", "target", "version", "spec_json", "state", "wave", "reason",
        "created_at", "updated_at", "budget_updated", "budget_failed"));
    expected.put("ota_campaign_devices", List.of("campaign_id", "device_id", "position", "state", "from_version", "detail",
        "offered_at", "updated_at"));
    expected.put("ota_device_profiles", List.of("device_id", "time_zone", "tags"));
    expected.put("ota_group_profiles", List.of("group_name", "time_zone"));
    expected.put("vertical_jobs", List.of("job_id", "document", "state", "reason", "consent_until", "consent_json",
        "aligned_rows", "reports_json", "shares_json", "metrics_json", "model_id", "created_at", "updated_at"));
    Map<String, List<String>> actual = db.inTransaction(c -> {
      DatabaseMetaData meta = c.getMetaData();
      String schema = expectedDialect() == Dialect.POSTGRESQL ? c.getSchema() : null;
      Map<String, List<String>> columns = new LinkedHashMap<>();
      for (String table : expected.keySet()) {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema, table, null)) {
          while (rs.next()) {
            names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
          }
        }
        columns.put(table, names);
      }
      return columns;
    });
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void migrating_again_applies_nothing_and_keeps_the_data() {
    enroll("dev-1", "line-1");
    Map<Integer, String> before = Migrations.appliedVersions(db);

    assertThat(Migrations.migrateToLatest(db)).isEmpty();
    assertThat(Migrations.migrateToLatest(db)).isEmpty();

    assertThat(Migrations.appliedVersions(db)).isEqualTo(before).containsOnlyKeys(
        Migrations.fromClasspath().scriptsFor(expectedDialect()).stream().map(Migrations.Script::version).toArray(Integer[]::new));
    assertThat(store.findDevice("dev-1")).isPresent();
  }

  @Test
  void a_migration_that_fails_leaves_no_trace_and_the_next_start_retries_it() {
    Migrations base = Migrations.fromClasspath();
    List<Migrations.Script> scripts = new ArrayList<>(base.scriptsFor(db.dialect()));
    Integer[] shipped = scripts.stream().map(Migrations.Script::version).toArray(Integer[]::new);
    int next = base.latestVersion() + 1;
    scripts.add(new Migrations.Script(next, "broken", null,
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);"));
    Migrations broken = Migrations.of(scripts);

    assertThatThrownBy(() -> broken.migrate(db)).isInstanceOf(DatabaseException.class);

    assertThat(Migrations.appliedVersions(db)).containsOnlyKeys(shipped);
    assertThat(tableExists("half_done")).isFalse();

    scripts.set(scripts.size() - 1, new Migrations.Script(next, "fixed", null,
        "CREATE TABLE half_done (x INTEGER); INSERT INTO half_done VALUES (1)"));
    assertThat(Migrations.of(scripts).migrate(db)).containsExactly(next);
    assertThat(tableExists("half_done")).isTrue();
  }

  @Test
  void a_database_migrated_by_a_newer_hub_is_refused() {
    db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (99, 'future', 'x', 0)");
      }
      return null;
    });
    assertThatThrownBy(() -> Migrations.migrateToLatest(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 99");
  }

  @Test
  void a_migration_edited_after_it_was_applied_is_refused() {
    Migrations.Script v1 = Migrations.fromClasspath().scriptsFor(db.dialect()).get(0);
    Migrations edited = Migrations.of(List.of(new Migrations.Script(1, v1.name(), v1.dialect(), v1.sql() + "\n-- edited\n")));
    assertThatThrownBy(() -> edited.migrate(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("V1");
  }

  @Test
  void a_transaction_whose_work_throws_is_rolled_back() {
    enroll("dev-1", "line-1");
    assertThatThrownBy(() -> db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE devices SET group_name = 'moved'");
      }
      throw new IllegalArgumentException("changed my mind");
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("changed my mind");

    assertThat(view("dev-1").group()).isEqualTo("line-1");
  }

  @Test
  void a_failing_statement_surfaces_as_a_database_exception_and_changes_nothing() {
    enroll("dev-1", "line-1");
    assertThatThrownBy(() -> db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE devices SET group_name = 'moved'");
        st.executeUpdate("UPDATE devices SET online = 7");
      }
      return null;
    })).isInstanceOf(DatabaseException.class);

    assertThat(view("dev-1").group()).isEqualTo("line-1");
    assertThat(view("dev-1").online()).isFalse();
  }

  /** An exception this backend reports when a transaction may simply be tried again. */
  SQLException retryableFailure() {
    return expectedDialect() == Dialect.SQLITE
        ? new org.sqlite.SQLiteException("[SQLITE_BUSY] The database file is locked", org.sqlite.SQLiteErrorCode.SQLITE_BUSY)
        : new SQLException("could not serialize access due to concurrent update", "40001");
  }

  @Test
  void a_transaction_failing_with_a_retryable_error_is_run_again_from_a_clean_slate() {
    enroll("dev-1", "line-1");
    AtomicInteger attempts = new AtomicInteger();

    String result = db.inTransaction(c -> {
      int attempt = attempts.incrementAndGet();
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE devices SET group_name = group_name || '+'");
      }
      if (attempt < 3) {
        throw retryableFailure();
      }
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(attempts).hasValue(3);
    assertThat(view("dev-1").group()).isEqualTo("line-1+");
  }

  @Test
  void a_transaction_that_keeps_failing_retryably_gives_up_after_a_few_attempts() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> db.inTransaction(c -> {
      attempts.incrementAndGet();
      throw retryableFailure();
    })).isInstanceOf(DatabaseException.class).hasCauseInstanceOf(SQLException.class);
    assertThat(attempts).hasValue(Database.MAX_ATTEMPTS);
  }

  @Test
  void a_transaction_failing_for_any_other_reason_is_not_retried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> db.inTransaction(c -> {
      attempts.incrementAndGet();
      throw new SQLException("data exception", "22000");
    })).isInstanceOf(DatabaseException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void transactions_do_not_nest() {
    assertThatThrownBy(() -> db.inTransaction(c -> db.inTransaction(inner -> 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nest");
    // and the database still works afterwards
    enroll("dev-1", "line-1");
  }

  @Test
  void a_closed_database_refuses_work() {
    Database other = openDatabase();
    other.close();
    other.close();
    assertThatThrownBy(() -> other.inTransaction(c -> 1)).isInstanceOf(IllegalStateException.class);
  }

  boolean tableExists(String table) {
    return db.inTransaction(c -> {
      String schema = expectedDialect() == Dialect.POSTGRESQL ? c.getSchema() : null;
      try (ResultSet rs = c.getMetaData().getTables(null, schema, table, null)) {
        return rs.next();
      }
    });
  }

  // ---------------------------------------------------------------- claim tokens

  @Test
  void a_minted_claim_token_is_found_with_its_hash_and_the_mint_is_audited() {
    ClaimTokenRecord token = unusedToken("tok-1", "line-1");
    store.insertClaimToken(token, allowed("claim-token.mint", "tok-1", T0));

    ClaimTokenRecord found = store.findClaimToken("tok-1").orElseThrow();
    assertThat(found.tokenId()).isEqualTo("tok-1");
    assertThat(found.secretHash()).isEqualTo(token.secretHash());
    assertThat(found.group()).isEqualTo("line-1");
    assertThat(found.createdAt()).isEqualTo(T0);
    assertThat(found.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(1)));
    assertThat(found.usedAt()).isNull();
    assertThat(found.usedBy()).isNull();
    assertThat(found.createdBy()).isEqualTo("alice");
    assertThat(store.auditTrail("tok-1", 10)).containsExactly(allowed("claim-token.mint", "tok-1", T0));
  }

  @Test
  void an_unknown_claim_token_is_not_found() {
    assertThat(store.findClaimToken("nope")).isEmpty();
  }

  @Test
  void minting_a_token_id_twice_fails_and_changes_nothing() {
    store.insertClaimToken(unusedToken("tok-1", "line-1"), allowed("claim-token.mint", "tok-1", T0));
    ClaimTokenRecord other = new ClaimTokenRecord("tok-1", sha256("other"), "line-2", T0, T0.plusSeconds(5), null, null, "bob");

    assertThatThrownBy(() -> store.insertClaimToken(other, allowed("claim-token.mint", "tok-1", T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already exists");

    assertThat(store.findClaimToken("tok-1").orElseThrow().group()).isEqualTo("line-1");
    assertThat(store.auditTrail("tok-1", 10)).hasSize(1);
  }

  // ---------------------------------------------------------------- enrollment

  @Test
  void completing_an_enrollment_marks_the_token_used_stores_the_device_and_audits_it() {
    store.insertClaimToken(unusedToken("tok-1", "line-1"), allowed("claim-token.mint", "tok-1", T0));
    AuditEvent audit = AuditEvent.allowed(T0.plusSeconds(1), "anonymous", "enroll", "dev-1", "10.0.0.2");

    assertThat(store.completeEnrollment("tok-1", T0.plusSeconds(1), newDevice("dev-1", "line-1"), audit)).isTrue();

    ClaimTokenRecord token = store.findClaimToken("tok-1").orElseThrow();
    assertThat(token.usedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(token.usedBy()).isEqualTo("dev-1");
    assertThat(store.findDevice("dev-1")).contains(newDevice("dev-1", "line-1"));
    assertThat(store.auditTrail("dev-1", 10)).containsExactly(audit);
    DeviceView view = view("dev-1");
    assertThat(view.online()).isFalse();
    assertThat(view.lastSeen()).isNull();
    assertThat(view.agentVersion()).isNull();
    assertThat(view.resourcesJson()).isNull();
  }

  @Test
  void a_second_enrollment_with_the_same_token_is_refused_and_only_the_first_device_exists() {
    store.insertClaimToken(unusedToken("tok-1", "line-1"), allowed("claim-token.mint", "tok-1", T0));
    AuditEvent first = AuditEvent.allowed(T0.plusSeconds(1), "anonymous", "enroll", "tok-1", "10.0.0.2");
    AuditEvent second = AuditEvent.allowed(T0.plusSeconds(2), "anonymous", "enroll", "tok-1", "10.0.0.3");

    assertThat(store.completeEnrollment("tok-1", T0.plusSeconds(1), newDevice("dev-1", "line-1"), first)).isTrue();
    assertThat(store.completeEnrollment("tok-1", T0.plusSeconds(2), newDevice("dev-2", "line-1"), second)).isFalse();

    assertThat(store.findDevice("dev-1")).isPresent();
    assertThat(store.findDevice("dev-2")).isEmpty();
    assertThat(store.listDevices(DeviceFilter.all())).extracting(DeviceView::deviceId).containsExactly("dev-1");
    ClaimTokenRecord token = store.findClaimToken("tok-1").orElseThrow();
    assertThat(token.usedBy()).isEqualTo("dev-1");
    assertThat(token.usedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(store.auditTrail("tok-1", 10))
        .extracting(AuditEvent::at, AuditEvent::action, AuditEvent::outcome, AuditEvent::reason, AuditEvent::source)
        .containsExactly(
            tuple(T0.plusSeconds(2), "enroll", "refused", JdbcHubStore.CLAIM_TOKEN_USED, "10.0.0.3"),
            tuple(T0.plusSeconds(1), "enroll", "allowed", null, "10.0.0.2"),
            tuple(T0, "claim-token.mint", "allowed", null, "10.0.0.1"));
  }

  @Test
  void an_enrollment_with_an_unknown_token_is_refused_and_audited() {
    AuditEvent audit = AuditEvent.allowed(T0, "anonymous", "enroll", "ghost", null);

    assertThat(store.completeEnrollment("ghost", T0, newDevice("dev-1", "line-1"), audit)).isFalse();

    assertThat(store.findDevice("dev-1")).isEmpty();
    assertThat(store.findClaimToken("ghost")).isEmpty();
    assertThat(store.auditTrail("ghost", 10))
        .containsExactly(AuditEvent.refused(T0, "anonymous", "enroll", "ghost", JdbcHubStore.CLAIM_TOKEN_UNKNOWN, null));
  }

  @Test
  void an_enrollment_for_an_existing_device_id_is_refused_and_leaves_its_token_unused() {
    enroll("dev-1", "line-1");
    store.insertClaimToken(unusedToken("tok-2", "line-2"), allowed("claim-token.mint", "tok-2", T0));
    DeviceRecord clash = new DeviceRecord("dev-1", "line-2", "fp-other", "serial-other", T0.plusSeconds(99), T0.plusSeconds(9), null, null);
    AuditEvent audit = AuditEvent.allowed(T0.plusSeconds(9), "anonymous", "enroll", "dev-1", null);

    assertThat(store.completeEnrollment("tok-2", T0.plusSeconds(9), clash, audit)).isFalse();

    ClaimTokenRecord token = store.findClaimToken("tok-2").orElseThrow();
    assertThat(token.usedAt()).isNull();
    assertThat(token.usedBy()).isNull();
    assertThat(store.findDevice("dev-1")).contains(newDevice("dev-1", "line-1"));
    assertThat(store.auditTrail("dev-1", 1))
        .containsExactly(AuditEvent.refused(T0.plusSeconds(9), "anonymous", "enroll", "dev-1", JdbcHubStore.DEVICE_EXISTS, null));
  }

  @Test
  void eight_concurrent_enrollments_with_one_token_let_exactly_one_device_in() throws Exception {
    store.insertClaimToken(unusedToken("tok-1", "line-1"), allowed("claim-token.mint", "tok-1", T0));
    List<Boolean> results = raceEnrollments(List.of(store), "tok-1", 8);
    assertExactlyOneEnrollmentWon(results, "tok-1", 8);
  }

  /** Runs {@code threads} enrollments of devices race-0.. with one token at once, over the given stores. */
  static List<Boolean> raceEnrollments(List<JdbcHubStore> stores, String tokenId, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        JdbcHubStore s = stores.get(i % stores.size());
        String deviceId = "race-" + i;
        Callable<Boolean> enrollment = () -> {
          ready.countDown();
          go.await();
          return s.completeEnrollment(tokenId, T0.plusSeconds(1), newDevice(deviceId, "line-1"),
              AuditEvent.allowed(T0.plusSeconds(1), "anonymous", "enroll", tokenId, deviceId));
        };
        futures.add(pool.submit(enrollment));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<Boolean> results = new ArrayList<>();
      for (Future<Boolean> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  void assertExactlyOneEnrollmentWon(List<Boolean> results, String tokenId, int threads) {
    assertThat(results).hasSize(threads).containsOnlyOnce(true);
    String winner = "race-" + results.indexOf(true);
    assertThat(store.listDevices(DeviceFilter.all())).extracting(DeviceView::deviceId).containsExactly(winner);
    assertThat(store.findClaimToken(tokenId).orElseThrow().usedBy()).isEqualTo(winner);
    List<AuditEvent> trail = store.auditTrail(tokenId, 100);
    assertThat(trail).filteredOn(e -> e.action().equals("enroll")).hasSize(threads);
    assertThat(trail).filteredOn(e -> e.outcome().equals("allowed") && e.action().equals("enroll"))
        .extracting(AuditEvent::source).containsExactly(winner);
    assertThat(trail).filteredOn(e -> e.outcome().equals("refused"))
        .hasSize(threads - 1)
        .allSatisfy(e -> assertThat(e.reason()).isEqualTo(JdbcHubStore.CLAIM_TOKEN_USED));
  }

  // ---------------------------------------------------------------- devices, certificates, revocation

  @Test
  void an_unknown_device_is_found_by_neither_view() {
    assertThat(store.findDevice("nope")).isEmpty();
    assertThat(store.device("nope")).isEmpty();
  }

  @Test
  void a_renewed_certificate_is_recorded_with_its_audit() {
    enroll("dev-1", "line-1");
    AuditEvent audit = AuditEvent.allowed(T0.plusSeconds(60), "dev-1", "renew", "dev-1", "10.0.0.2");

    store.updateCertificate("dev-1", "serial-2", T0.plus(Duration.ofDays(180)), audit);

    DeviceRecord d = store.findDevice("dev-1").orElseThrow();
    assertThat(d.certSerial()).isEqualTo("serial-2");
    assertThat(d.certNotAfter()).isEqualTo(T0.plus(Duration.ofDays(180)));
    assertThat(d.publicKeyFingerprint()).isEqualTo("fp-dev-1");
    assertThat(d.enrolledAt()).isEqualTo(T0);
    assertThat(view("dev-1").certSerial()).isEqualTo("serial-2");
    assertThat(store.auditTrail("dev-1", 1)).containsExactly(audit);
  }

  @Test
  void renewing_an_unknown_or_revoked_device_fails_and_audits_the_refusal() {
    assertThatThrownBy(() -> store.updateCertificate("ghost", "s", T0, allowed("renew", "ghost", T0)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.auditTrail("ghost", 10)).extracting(AuditEvent::outcome, AuditEvent::reason)
        .containsExactly(tuple("refused", JdbcHubStore.DEVICE_UNKNOWN));
    assertThat(store.findDevice("ghost")).isEmpty();

    enroll("dev-1", "line-1");
    assertThat(store.revokeDevice("dev-1", T0.plusSeconds(5), "stolen", allowed("revoke", "dev-1", T0.plusSeconds(5)))).isTrue();
    assertThatThrownBy(() -> store.updateCertificate("dev-1", "serial-2", T0.plus(Duration.ofDays(9)), allowed("renew", "dev-1", T0.plusSeconds(6))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.findDevice("dev-1").orElseThrow().certSerial()).isEqualTo("serial-dev-1");
    assertThat(store.auditTrail("dev-1", 1)).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::reason)
        .containsExactly(tuple("renew", "refused", JdbcHubStore.DEVICE_REVOKED));
  }

  @Test
  void revoking_marks_the_device_revoked_and_offline_as_both_views_report() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(10), "1.0.0", "{}");
    assertThat(view("dev-1").online()).isTrue();
    AuditEvent audit = allowed("revoke", "dev-1", T0.plusSeconds(20));

    assertThat(store.revokeDevice("dev-1", T0.plusSeconds(20), "stolen", audit)).isTrue();

    DeviceRecord record = store.findDevice("dev-1").orElseThrow();
    assertThat(record.revoked()).isTrue();
    assertThat(record.revokedAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(record.revokedReason()).isEqualTo("stolen");
    DeviceView view = view("dev-1");
    assertThat(view.revoked()).isTrue();
    assertThat(view.online()).isFalse();
    assertThat(view.revokedAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(view.revokedReason()).isEqualTo("stolen");
    assertThat(view.lastSeen()).isEqualTo(T0.plusSeconds(10));
    assertThat(store.auditTrail("dev-1", 1)).containsExactly(audit);
  }

  @Test
  void revoking_twice_or_an_unknown_device_returns_false_and_audits_the_refusal() {
    enroll("dev-1", "line-1");
    assertThat(store.revokeDevice("dev-1", T0.plusSeconds(20), "stolen", allowed("revoke", "dev-1", T0.plusSeconds(20)))).isTrue();

    assertThat(store.revokeDevice("dev-1", T0.plusSeconds(30), "again", allowed("revoke", "dev-1", T0.plusSeconds(30)))).isFalse();
    assertThat(store.revokeDevice("ghost", T0.plusSeconds(40), "who", allowed("revoke", "ghost", T0.plusSeconds(40)))).isFalse();

    DeviceRecord record = store.findDevice("dev-1").orElseThrow();
    assertThat(record.revokedAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(record.revokedReason()).isEqualTo("stolen");
    assertThat(store.findDevice("ghost")).isEmpty();
    assertThat(store.auditTrail("dev-1", 1)).extracting(AuditEvent::outcome, AuditEvent::reason)
        .containsExactly(tuple("refused", JdbcHubStore.DEVICE_REVOKED));
    assertThat(store.auditTrail("ghost", 5)).extracting(AuditEvent::outcome, AuditEvent::reason)
        .containsExactly(tuple("refused", JdbcHubStore.DEVICE_UNKNOWN));
  }

  // ---------------------------------------------------------------- audit

  @Test
  void the_audit_trail_is_newest_first_limited_and_filtered_by_subject() {
    AuditEvent a = AuditEvent.refused(T0.plusSeconds(1), "anonymous", "enroll", "tok-a", "bad-secret", "10.0.0.9");
    AuditEvent b = allowed("claim-token.mint", "tok-b", T0.plusSeconds(3));
    AuditEvent c = allowed("revoke", "tok-a", T0.plusSeconds(2));
    AuditEvent d = allowed("claim-token.mint", null, T0.plusSeconds(3)); // same instant as b, written later
    for (AuditEvent e : List.of(a, b, c, d)) {
      store.audit(e);
    }

    assertThat(store.auditTrail(null, 10)).containsExactly(d, b, c, a);
    assertThat(store.auditTrail(null, 2)).containsExactly(d, b);
    assertThat(store.auditTrail("tok-a", 10)).containsExactly(c, a);
    assertThat(store.auditTrail("tok-a", 1)).containsExactly(c);
    assertThat(store.auditTrail("nobody", 10)).isEmpty();
    assertThat(store.auditTrail(null, 0)).isEmpty();
    assertThatThrownBy(() -> store.auditTrail(null, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_audit_event_with_an_unknown_outcome_is_rejected() {
    AuditEvent odd = new AuditEvent(T0, "alice", "revoke", "dev-1", "maybe", null, null);
    assertThatThrownBy(() -> store.audit(odd)).isInstanceOf(IllegalArgumentException.class);
    assertThat(auditCount()).isZero();
  }

  // ---------------------------------------------------------------- heartbeats and liveness

  @Test
  void a_heartbeat_marks_the_device_online_and_stores_version_and_resources() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(10), "1.2.3", "{\"cpu\":0.5}");

    DeviceView v = view("dev-1");
    assertThat(v.online()).isTrue();
    assertThat(v.lastSeen()).isEqualTo(T0.plusSeconds(10));
    assertThat(v.agentVersion()).isEqualTo("1.2.3");
    assertThat(v.resourcesJson()).isEqualTo("{\"cpu\":0.5}");

    store.recordHeartbeat("dev-1", T0.plusSeconds(20), "1.2.4", "{\"cpu\":0.7}");
    v = view("dev-1");
    assertThat(v.lastSeen()).isEqualTo(T0.plusSeconds(20));
    assertThat(v.agentVersion()).isEqualTo("1.2.4");
    assertThat(v.resourcesJson()).isEqualTo("{\"cpu\":0.7}");
  }

  @Test
  void a_heartbeat_from_an_unknown_device_creates_nothing() {
    store.recordHeartbeat("ghost", T0, "1.0.0", "{}");
    store.setOnline("ghost", true, T0);
    assertThat(store.device("ghost")).isEmpty();
    assertThat(store.listDevices(DeviceFilter.all())).isEmpty();
  }

  @Test
  void a_heartbeat_older_than_the_last_one_is_ignored() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(20), "2.0.0", "{\"new\":true}");
    store.recordHeartbeat("dev-1", T0.plusSeconds(10), "1.0.0", "{\"old\":true}");

    DeviceView v = view("dev-1");
    assertThat(v.lastSeen()).isEqualTo(T0.plusSeconds(20));
    assertThat(v.agentVersion()).isEqualTo("2.0.0");
    assertThat(v.resourcesJson()).isEqualTo("{\"new\":true}");
  }

  @Test
  void going_offline_keeps_last_seen_and_coming_online_moves_it_forward_only() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(10), "1.0.0", "{}");

    store.setOnline("dev-1", false, T0.plusSeconds(30));
    assertThat(view("dev-1").online()).isFalse();
    assertThat(view("dev-1").lastSeen()).isEqualTo(T0.plusSeconds(10));

    store.setOnline("dev-1", true, T0.plusSeconds(40));
    assertThat(view("dev-1").online()).isTrue();
    assertThat(view("dev-1").lastSeen()).isEqualTo(T0.plusSeconds(40));

    store.setOnline("dev-1", true, T0.plusSeconds(35));
    assertThat(view("dev-1").lastSeen()).isEqualTo(T0.plusSeconds(40));
    assertThat(view("dev-1").agentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void an_offline_notice_older_than_the_last_sighting_is_ignored() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(50), "1.0.0", "{}");
    store.setOnline("dev-1", false, T0.plusSeconds(40));
    assertThat(view("dev-1").online()).isTrue();
  }

  @Test
  void a_revoked_device_stays_offline_whatever_it_sends() {
    enroll("dev-1", "line-1");
    store.revokeDevice("dev-1", T0.plusSeconds(5), "stolen", allowed("revoke", "dev-1", T0.plusSeconds(5)));

    store.recordHeartbeat("dev-1", T0.plusSeconds(10), "1.0.0", "{}");
    store.setOnline("dev-1", true, T0.plusSeconds(11));

    DeviceView v = view("dev-1");
    assertThat(v.online()).isFalse();
    assertThat(v.lastSeen()).isEqualTo(T0.plusSeconds(11));
    assertThat(store.listDevices(new DeviceFilter(null, true, null, null))).isEmpty();
  }

  @Test
  void marking_stale_devices_offline_flips_only_online_devices_seen_before_the_cutoff() {
    for (String id : List.of("old", "edge", "fresh", "quiet", "never")) {
      enroll(id, "line-1");
    }
    Instant cutoff = T0.plusSeconds(100);
    store.recordHeartbeat("old", cutoff.minusMillis(1), "1", "{}");
    store.recordHeartbeat("edge", cutoff, "1", "{}");
    store.recordHeartbeat("fresh", cutoff.plusSeconds(5), "1", "{}");
    store.recordHeartbeat("quiet", cutoff.minusSeconds(50), "1", "{}");
    store.setOnline("quiet", false, cutoff.minusSeconds(40));

    assertThat(store.markStaleOffline(cutoff)).isEqualTo(1);

    assertThat(view("old").online()).isFalse();
    assertThat(view("old").lastSeen()).isEqualTo(cutoff.minusMillis(1));
    assertThat(view("edge").online()).isTrue();
    assertThat(view("fresh").online()).isTrue();
    assertThat(view("quiet").online()).isFalse();
    assertThat(view("never").online()).isFalse();
    assertThat(store.markStaleOffline(cutoff)).isZero();
    assertThat(store.markStaleOffline(cutoff.plusSeconds(10))).isEqualTo(2);
  }

  // ---------------------------------------------------------------- device events

  @Test
  void a_device_event_is_stored_once_per_device_and_message_id() {
    enroll("dev-1", "line-1");
    enroll("dev-2", "line-1");

    assertThat(store.insertDeviceEvent("dev-1", "m-1", T0.plusSeconds(1), "model.updated", "{\"round\":1}")).isTrue();
    assertThat(store.insertDeviceEvent("dev-1", "m-1", T0.plusSeconds(9), "changed", "{\"round\":9}")).isFalse();
    assertThat(store.insertDeviceEvent("dev-2", "m-1", T0.plusSeconds(2), "model.updated", null)).isTrue();

    assertThat(store.deviceEvents("dev-1", 10))
        .containsExactly(new StoredDeviceEvent("m-1", T0.plusSeconds(1), "model.updated", "{\"round\":1}"));
    assertThat(store.deviceEvents("dev-2", 10))
        .containsExactly(new StoredDeviceEvent("m-1", T0.plusSeconds(2), "model.updated", null));
  }

  @Test
  void device_events_come_newest_first_and_limited() {
    enroll("dev-1", "line-1");
    store.insertDeviceEvent("dev-1", "m-b", T0.plusSeconds(2), "two", "{}");
    store.insertDeviceEvent("dev-1", "m-a", T0.plusSeconds(3), "three", "{}");
    store.insertDeviceEvent("dev-1", "m-c", T0.plusSeconds(1), "one", "{}");

    assertThat(store.deviceEvents("dev-1", 10)).extracting(StoredDeviceEvent::name).containsExactly("three", "two", "one");
    assertThat(store.deviceEvents("dev-1", 2)).extracting(StoredDeviceEvent::messageId).containsExactly("m-a", "m-b");
    assertThat(store.deviceEvents("dev-1", 0)).isEmpty();
    assertThat(store.deviceEvents("dev-2", 10)).isEmpty();
    assertThatThrownBy(() -> store.deviceEvents("dev-1", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_event_from_an_unknown_device_is_not_stored() {
    assertThat(store.insertDeviceEvent("ghost", "m-1", T0, "x", "{}")).isFalse();
    assertThat(store.deviceEvents("ghost", 10)).isEmpty();
  }

  // ---------------------------------------------------------------- listing

  @Test
  void listing_devices_applies_every_filter_and_orders_by_device_id() {
    enroll("b-2", "line-1");
    enroll("a-1", "line-1");
    enroll("c-3", "line-2");
    enroll("d-4", "line-2");
    store.recordHeartbeat("a-1", T0.plusSeconds(5), "1.0", "{}");
    store.recordHeartbeat("c-3", T0.plusSeconds(5), "2.0", "{}");
    store.recordHeartbeat("d-4", T0.plusSeconds(5), "1.0", "{}");
    store.revokeDevice("d-4", T0.plusSeconds(6), "broken", allowed("revoke", "d-4", T0.plusSeconds(6)));

    assertThat(ids(DeviceFilter.all())).containsExactly("a-1", "b-2", "c-3", "d-4");
    assertThat(ids(null)).containsExactly("a-1", "b-2", "c-3", "d-4");
    assertThat(ids(new DeviceFilter("line-1", null, null, null))).containsExactly("a-1", "b-2");
    assertThat(ids(new DeviceFilter(null, true, null, null))).containsExactly("a-1", "c-3");
    assertThat(ids(new DeviceFilter(null, false, null, null))).containsExactly("b-2", "d-4");
    assertThat(ids(new DeviceFilter(null, null, true, null))).containsExactly("d-4");
    assertThat(ids(new DeviceFilter(null, null, false, null))).containsExactly("a-1", "b-2", "c-3");
    assertThat(ids(new DeviceFilter(null, null, null, "1.0"))).containsExactly("a-1", "d-4");
    assertThat(ids(new DeviceFilter("line-2", false, true, "1.0"))).containsExactly("d-4");
    assertThat(ids(new DeviceFilter("line-2", true, true, null))).isEmpty();
    assertThat(ids(new DeviceFilter("line-9", null, null, null))).isEmpty();
  }

  @Test
  void devices_are_ordered_by_code_point_on_every_backend() {
    List<String> ids = List.of("a-b", "aB", "Ab", "a_c", "ab", "AB", "a.b", "é");
    for (String id : ids) {
      enroll(id, "line-1");
    }
    List<String> byCodePoint = ids.stream().sorted().toList();
    assertThat(ids(DeviceFilter.all())).isEqualTo(byCodePoint);
  }

  List<String> ids(DeviceFilter filter) {
    return store.listDevices(filter).stream().map(DeviceView::deviceId).toList();
  }

  @Test
  void a_device_view_combines_identity_and_fleet_fields() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusMillis(1500), "3.1.4", "{\"mem\":42}");
    store.updateCertificate("dev-1", "serial-9", T0.plus(Duration.ofDays(200)), allowed("renew", "dev-1", T0.plusSeconds(2)));

    DeviceView expected = new DeviceView("dev-1", "line-1", false, true, T0.plusMillis(1500), "3.1.4", "serial-9",
        T0.plus(Duration.ofDays(200)), T0, null, null, "{\"mem\":42}");
    assertThat(store.device("dev-1")).contains(expected);
    assertThat(store.listDevices(DeviceFilter.all())).containsExactly(expected);
  }

  @Test
  void instants_are_kept_to_the_millisecond() {
    enroll("dev-1", "line-1");
    Instant precise = Instant.parse("2031-03-04T05:06:08.987654321Z");
    store.recordHeartbeat("dev-1", precise, "1", "{}");
    assertThat(view("dev-1").lastSeen()).isEqualTo(Instant.parse("2031-03-04T05:06:08.987Z"));
  }

  @Test
  void enrolled_devices_keep_all_their_identity_fields() {
    store.insertClaimToken(unusedToken("tok-1", "line-7"), allowed("claim-token.mint", "tok-1", T0));
    DeviceRecord device = new DeviceRecord("dev-x", "line-7", "ab12cd", "0f0e", T0.plusSeconds(3600), T0.plusMillis(5), null, null);
    store.completeEnrollment("tok-1", T0.plusMillis(5), device, AuditEvent.allowed(T0, "anonymous", "enroll", "dev-x", null));
    assertThat(store.findDevice("dev-x")).isEqualTo(Optional.of(device));
  }

  // ---------------------------------------------------------------- helpers for durable, shared backends

  /** Writes a bit of everything, closes, reopens the same storage and reads it all back. */
  void assertEverythingSurvivesCloseAndReopen() {
    enroll("dev-1", "line-1");
    store.recordHeartbeat("dev-1", T0.plusSeconds(5), "1.0.0", "{\"cpu\":1}");
    store.insertDeviceEvent("dev-1", "m-1", T0.plusSeconds(6), "started", "{}");
    store.insertClaimToken(unusedToken("tok-2", "line-2"), allowed("claim-token.mint", "tok-2", T0));
    DeviceView device = view("dev-1");
    ClaimTokenRecord token = store.findClaimToken("tok-2").orElseThrow();
    List<AuditEvent> trail = store.auditTrail(null, 100);
    db.close();

    db = openDatabase();
    assertThat(Migrations.migrateToLatest(db)).isEmpty();
    store = new JdbcHubStore(db);

    assertThat(view("dev-1")).isEqualTo(device);
    assertThat(store.findClaimToken("tok-2").orElseThrow())
        .usingRecursiveComparison().isEqualTo(token);
    assertThat(store.auditTrail(null, 100)).isEqualTo(trail);
    assertThat(store.deviceEvents("dev-1", 10)).extracting(StoredDeviceEvent::messageId).containsExactly("m-1");
    assertThat(store.insertDeviceEvent("dev-1", "m-1", T0, "again", "{}")).isFalse();
  }

  /** Two databases on the same empty storage migrate at once; both succeed and V1 is applied once. */
  void assertTwoDatabasesMigratingTheSameStorageAtOnceBothSucceed() throws Exception {
    db.close();
    prepareEmptyStorage();
    Database first = openDatabase();
    Database second = openDatabase();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<List<Integer>> a = pool.submit(() -> {
        go.await();
        return Migrations.migrateToLatest(first);
      });
      Future<List<Integer>> b = pool.submit(() -> {
        go.await();
        return Migrations.migrateToLatest(second);
      });
      go.countDown();
      List<Integer> appliedByA = a.get(60, TimeUnit.SECONDS);
      List<Integer> appliedByB = b.get(60, TimeUnit.SECONDS);
      List<Integer> all = Migrations.fromClasspath().scriptsFor(expectedDialect()).stream().map(Migrations.Script::version).toList();
      List<Integer> both = new ArrayList<>(appliedByA);
      both.addAll(appliedByB);
      assertThat(both).as("each version applied exactly once").containsExactlyInAnyOrderElementsOf(all);
      assertThat(Migrations.appliedVersions(first)).containsOnlyKeys(all.toArray(Integer[]::new));
      assertThat(Migrations.appliedVersions(second)).containsOnlyKeys(all.toArray(Integer[]::new));
      new JdbcHubStore(first).audit(allowed("x", "s", T0));
      assertThat(new JdbcHubStore(second).auditTrail("s", 5)).hasSize(1);
    } finally {
      pool.shutdownNow();
      first.close();
      second.close();
    }
    db = openDatabase();
    store = new JdbcHubStore(db);
  }

  /** Like two hub replicas: eight enrollments with one token through two databases on one storage. */
  void assertConcurrentEnrollmentsThroughTwoDatabasesLetExactlyOneIn() throws Exception {
    store.insertClaimToken(unusedToken("tok-1", "line-1"), allowed("claim-token.mint", "tok-1", T0));
    try (Database replica = openDatabase()) {
      List<Boolean> results = raceEnrollments(List.of(store, new JdbcHubStore(replica)), "tok-1", 8);
      assertExactlyOneEnrollmentWon(results, "tok-1", 8);
    }
  }
}
