package io.fedge.hub.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the hub keeps its state: a SQLite file (the default: nothing to install), an in-memory
 * SQLite database (tests), or a PostgreSQL server shared by several hub replicas.
 *
 * <p>SQLite uses one connection, guarded by a lock, in WAL mode with {@code synchronous=FULL},
 * foreign keys on and a busy timeout; each transaction starts with {@code BEGIN IMMEDIATE} so that
 * another process writing the same file makes it wait rather than fail half way. PostgreSQL uses a
 * HikariCP pool.
 *
 * <p>All access goes through {@link #inTransaction}: one transaction per call, committed when the
 * work returns, rolled back when it throws, and run again (a few times, with a short back-off) when
 * the database reports a serialization failure, a deadlock or a busy SQLite file.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** How many times a transaction is attempted before a retryable failure is given up on. */
  static final int MAX_ATTEMPTS = 6;

  private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private final Dialect dialect;
  private final String description;
  private final ThreadLocal<Boolean> inTransaction = ThreadLocal.withInitial(() -> false);

  // SQLite
  private final Connection sqlite;
  private final ReentrantLock sqliteLock = new ReentrantLock(true);

  // PostgreSQL
  private final HikariDataSource pool;

  private volatile boolean closed;

  private Database(Dialect dialect, String description, Connection sqlite, HikariDataSource pool) {
    this.dialect = dialect;
    this.description = description;
    this.sqlite = sqlite;
    this.pool = pool;
  }

  /**
   * Opens {@code jdbc:sqlite:<file>}, {@code jdbc:sqlite::memory:} or {@code jdbc:postgresql:...}.
   * For a SQLite file it creates the parent directory (owner-only) if missing and makes the file
   * readable by its owner only. It does not migrate the schema; see {@link Migrations}.
   *
   * @throws IllegalArgumentException for any other URL
   * @throws DatabaseException if the database cannot be reached or opened
   */
  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return openSqlite(jdbcUrl);
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return openPostgres(jdbcUrl);
    }
    throw new IllegalArgumentException(
        "unsupported database URL (expected jdbc:sqlite:<file>, jdbc:sqlite::memory: or jdbc:postgresql:...): "
            + redact(jdbcUrl));
  }

  private static Database openSqlite(String jdbcUrl) {
    String rest = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    String location = query < 0 ? rest : rest.substring(0, query);
    boolean memory = location.equals(":memory:");
    if (!memory && (location.isEmpty() || location.startsWith("file:") || location.startsWith(":"))) {
      throw new IllegalArgumentException(
          "only plain file paths and :memory: are supported for SQLite: " + redact(jdbcUrl));
    }
    Path file = null;
    if (!memory) {
      file = Paths.get(location).toAbsolutePath();
      prepareFile(file);
    }
    Connection connection = null;
    try {
      connection = DriverManager.getConnection(jdbcUrl);
      try (Statement st = connection.createStatement()) {
        if (!memory) {
          try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
            String mode = rs.next() ? rs.getString(1) : null;
            if (!"wal".equalsIgnoreCase(mode)) {
              throw new DatabaseException("SQLite refused WAL journal mode (got " + mode + ") for " + file);
            }
          }
        }
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA foreign_keys=ON");
        st.execute("PRAGMA busy_timeout=" + SQLITE_BUSY_TIMEOUT_MILLIS);
        try (ResultSet rs = st.executeQuery("PRAGMA foreign_keys")) {
          if (!rs.next() || rs.getInt(1) != 1) {
            throw new DatabaseException("SQLite refused to enforce foreign keys");
          }
        }
      }
      // Transactions are begun explicitly (BEGIN IMMEDIATE), see inTransaction.
      connection.setAutoCommit(true);
      if (file != null) {
        restrictToOwner(file);
      }
      String description = memory ? "sqlite in memory" : "sqlite file " + file;
      LOG.info("Opened {}", description);
      return new Database(Dialect.SQLITE, description, connection, null);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new DatabaseException("cannot open SQLite database " + (memory ? ":memory:" : file), e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static void prepareFile(Path file) {
    Path dir = file.getParent();
    try {
      if (dir != null && !Files.isDirectory(dir)) {
        if (supportsPosix(file)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
          Files.createDirectories(dir);
        }
      }
      if (!Files.exists(file)) {
        try {
          if (supportsPosix(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
          } else {
            Files.createFile(file);
          }
        } catch (FileAlreadyExistsException raced) {
          // someone else created it first: fine, its permissions are fixed below
        }
      }
      restrictToOwner(file);
    } catch (IOException e) {
      throw new DatabaseException("cannot prepare SQLite file " + file, e);
    }
  }

  private static void restrictToOwner(Path file) {
    if (!supportsPosix(file)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
    } catch (IOException e) {
      throw new DatabaseException("cannot restrict permissions of " + file, e);
    }
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static Database openPostgres(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("fedge-hub-db");
    config.setAutoCommit(false);
    config.setMaximumPoolSize(10);
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1);
    try {
      HikariDataSource pool = new HikariDataSource(config);
      String description = "postgresql " + redact(jdbcUrl);
      LOG.info("Opened {}", description);
      return new Database(Dialect.POSTGRESQL, description, null, pool);
    } catch (RuntimeException e) {
      throw new DatabaseException("cannot connect to PostgreSQL at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /** The URL without its query string, which may hold a password. */
  private static String redact(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one transaction and returns its result. Commits when it returns; rolls back
   * when it throws, and then rethrows a runtime exception unchanged or wraps an {@link SQLException}
   * in a {@link DatabaseException}. Retries the whole transaction when the failure is a serialization
   * failure, a deadlock or a busy SQLite database. Transactions do not nest: calling this from inside
   * {@code work} is an error.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    Objects.requireNonNull(work, "work");
    if (inTransaction.get()) {
      throw new IllegalStateException("inTransaction called inside a transaction; transactions do not nest");
    }
    inTransaction.set(true);
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return dialect == Dialect.SQLITE ? runSqlite(work) : runPostgres(work);
        } catch (SQLException e) {
          if (attempt < MAX_ATTEMPTS && dialect.isRetryable(e)) {
            LOG.debug("Transaction attempt {} failed with {} ({}); retrying", attempt, e.getSQLState(), e.getErrorCode());
            backOff(attempt);
            continue;
          }
          throw new DatabaseException("transaction failed on " + description + ": " + e.getMessage(), e);
        }
      }
    } finally {
      inTransaction.set(false);
    }
  }

  private <T> T runSqlite(SqlWork<T> work) throws SQLException {
    sqliteLock.lock();
    try {
      ensureOpen();
      try (Statement st = sqlite.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
      }
      boolean committed = false;
      try {
        T result = work.run(sqlite);
        try (Statement st = sqlite.createStatement()) {
          st.execute("COMMIT");
        }
        committed = true;
        return result;
      } finally {
        if (!committed) {
          rollbackSqlite();
        }
      }
    } finally {
      sqliteLock.unlock();
    }
  }

  private void rollbackSqlite() {
    try {
      try (Statement st = sqlite.createStatement()) {
        st.execute("ROLLBACK");
      }
    } catch (SQLException e) {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing is pending.
      LOG.debug("Rollback after a failed transaction reported: {}", e.getMessage());
    }
  }

  private <T> T runPostgres(SqlWork<T> work) throws SQLException {
    ensureOpen();
    try (Connection c = pool.getConnection()) {
      if (c.getAutoCommit()) {
        c.setAutoCommit(false);
      }
      boolean committed = false;
      try {
        T result = work.run(c);
        c.commit();
        committed = true;
        return result;
      } finally {
        if (!committed) {
          try {
            c.rollback();
          } catch (SQLException e) {
            LOG.debug("Rollback after a failed transaction reported: {}", e.getMessage());
          }
        }
      }
    }
  }

  private static void backOff(int attempt) {
    long millis = ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted while retrying a transaction", e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("database is closed: " + description);
    }
  }

  @Override
  public void close() {
    if (dialect == Dialect.SQLITE) {
      sqliteLock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        closeQuietly(sqlite);
      } finally {
        sqliteLock.unlock();
      }
    } else {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        pool.close();
      }
    }
    LOG.info("Closed {}", description);
  }

  @Override
  public String toString() {
    return "Database[" + description + "]";
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Closing a database connection failed: {}", e.getMessage());
    }
  }
}
