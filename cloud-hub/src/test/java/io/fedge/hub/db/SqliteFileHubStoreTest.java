package io.fedge.hub.db;

import static io.fedge.hub.db.SqliteInMemoryHubStoreTest.pragma;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.provisioning.store.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a SQLite file, plus what only a file can show: durability and privacy. */
class SqliteFileHubStoreTest extends AbstractHubStoreContractTest {

  @TempDir Path tempDir;
  private int storages;
  private Path file;

  @Override
  protected Dialect expectedDialect() {
    return Dialect.SQLITE;
  }

  @Override
  protected void prepareEmptyStorage() {
    // a directory that does not exist yet: the database must create it
    file = tempDir.resolve("data-" + (++storages)).resolve("state").resolve("hub.db");
  }

  @Override
  protected Database openDatabase() {
    return Database.open("jdbc:sqlite:" + file);
  }

  @Override
  protected void assertStorage(Database database) throws Exception {
    String onDisk = database.inTransaction(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA database_list")) {
        assertThat(rs.next()).isTrue();
        return rs.getString("file");
      }
    });
    assertThat(Path.of(onDisk).toRealPath()).isEqualTo(file.toRealPath());
    assertThat(pragma(database, "journal_mode")).isEqualToIgnoringCase("wal");
    assertThat(pragma(database, "synchronous")).as("synchronous=FULL").isEqualTo("2");
    assertThat(pragma(database, "foreign_keys")).isEqualTo("1");
    assertThat(Integer.parseInt(pragma(database, "busy_timeout"))).isPositive();
  }

  @Test
  void everything_survives_close_and_reopen() {
    assertEverythingSurvivesCloseAndReopen();
  }

  @Test
  void two_databases_migrating_the_same_file_at_once_both_succeed() throws Exception {
    assertTwoDatabasesMigratingTheSameStorageAtOnceBothSucceed();
  }

  @Test
  void concurrent_enrollments_through_two_databases_on_one_file_let_exactly_one_in() throws Exception {
    assertConcurrentEnrollmentsThroughTwoDatabasesLetExactlyOneIn();
  }

  @Test
  void a_second_database_on_the_file_waits_for_a_writer_instead_of_failing() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Database other = openDatabase()) {
      Future<?> slowWriter = pool.submit(() -> db.inTransaction(c -> {
        try (Statement st = c.createStatement()) {
          st.executeUpdate("INSERT INTO audit_log (at, actor, action, outcome) VALUES (1, 'slow', 'x', 'allowed')");
        }
        writing.countDown();
        sleep(500);
        return null;
      }));
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

      new JdbcHubStore(other).audit(AuditEvent.allowed(T0, "fast", "y", null, null));

      slowWriter.get(10, TimeUnit.SECONDS);
      assertThat(store.auditTrail(null, 10)).extracting(AuditEvent::actor).containsExactlyInAnyOrder("slow", "fast");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void the_file_its_write_ahead_log_and_its_new_directory_are_private_to_the_owner() throws Exception {
    enroll("dev-1", "line-1");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Path wal = file.resolveSibling("hub.db-wal");
    assertThat(wal).exists();
    assertThat(Files.getPosixFilePermissions(wal)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void an_existing_file_readable_by_others_is_made_private_on_open() throws Exception {
    db.close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    db = openDatabase();
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void urls_of_other_kinds_are_refused() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Database.open("jdbc:sqlite:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Database.open("jdbc:sqlite:file:x.db?mode=memory")).isInstanceOf(IllegalArgumentException.class);
  }
}
