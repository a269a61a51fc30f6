package io.fedge.hub.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done inside one transaction by {@link Database#inTransaction}. It may be run more than once
 * (the transaction is retried on a serialization failure or a busy database), so it must do nothing
 * but SQL on the connection it is given, and must neither commit nor roll back itself.
 */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
