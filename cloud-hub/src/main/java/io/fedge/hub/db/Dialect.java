package io.fedge.hub.db;

import java.sql.SQLException;
import java.util.Locale;

/** The two SQL dialects the hub stores its state in. */
public enum Dialect {
  /** A file in the hub's data dir (the default) or an in-memory database for tests. */
  SQLITE,
  /** A shared server, for several hub replicas. */
  POSTGRESQL;

  /** The suffix of migration scripts written for this dialect only: {@code V1__x.<suffix>.sql}. */
  public String scriptSuffix() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The collation clause that sorts text by code point, so both backends order ids the same way
   * (PostgreSQL would otherwise sort by the database's locale).
   */
  String binaryCollation() {
    return this == SQLITE ? "COLLATE BINARY" : "COLLATE \"C\"";
  }

  /** Whether the transaction that failed with this exception may simply be run again. */
  boolean isRetryable(SQLException e) {
    for (SQLException x = e; x != null; x = next(x)) {
      if (this == POSTGRESQL) {
        String state = x.getSQLState();
        // serialization_failure, deadlock_detected
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
      } else {
        int primary = x.getErrorCode() & 0xff;
        // SQLITE_BUSY, SQLITE_LOCKED (and their extended codes, e.g. SQLITE_BUSY_SNAPSHOT)
        if (x instanceof org.sqlite.SQLiteException && (primary == 5 || primary == 6)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether this exception reports a violated primary key or unique constraint. */
  boolean isUniqueViolation(SQLException e) {
    for (SQLException x = e; x != null; x = next(x)) {
      if (this == POSTGRESQL) {
        if ("23505".equals(x.getSQLState())) {
          return true;
        }
      } else if (x instanceof org.sqlite.SQLiteException) {
        int code = x.getErrorCode();
        // SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE
        if (code == 1555 || code == 2067) {
          return true;
        }
        String message = String.valueOf(x.getMessage());
        if ((code & 0xff) == 19 && message.contains("UNIQUE constraint failed")) {
          return true;
        }
      }
    }
    return false;
  }

  private static SQLException next(SQLException x) {
    if (x.getNextException() != null) {
      return x.getNextException();
    }
    return x.getCause() instanceof SQLException s && s != x ? s : null;
  }
}
