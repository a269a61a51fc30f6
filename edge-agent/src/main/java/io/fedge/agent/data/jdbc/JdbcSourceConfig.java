package io.fedge.agent.data.jdbc;

import io.fedge.agent.data.DatasetNames;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One JDBC source (configuration keys {@code jdbc.<name>.*}, see docs/data.md).
 *
 * @param name the source's name (also the default dataset name)
 * @param url the JDBC URL; may hold credentials, so it is never logged
 * @param user user name, or null when the URL carries it
 * @param password password, or null
 * @param query a SELECT whose rows feed the dataset; it is wrapped as {@code SELECT * FROM (query)
 *     src WHERE key > ? ORDER BY key}
 * @param keyColumn a column of the query whose values increase with every new row and never repeat
 *     (a sequence or auto-increment id; an int or string column)
 * @param dataset the dataset the rows go to
 * @param interval time between the end of one pull and the start of the next
 * @param batchRows rows per transaction (and per fetch)
 */
public record JdbcSourceConfig(
    String name, String url, String user, String password, String query, String keyColumn, String dataset,
    Duration interval, int batchRows) {
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  public JdbcSourceConfig {
    DatasetNames.check(name);
    DatasetNames.check(dataset);
    Objects.requireNonNull(url, "jdbc." + name + ".url is required");
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("jdbc." + name + ".url must start with 'jdbc:'");
    }
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("jdbc." + name + ".query is required: the SELECT that yields the rows");
    }
    if (query.strip().endsWith(";")) {
      throw new IllegalArgumentException("jdbc." + name + ".query must not end with ';' (it is used as a sub-query)");
    }
    if (keyColumn == null || !IDENT.matcher(keyColumn).matches()) {
      throw new IllegalArgumentException(
          "jdbc." + name + ".key must be a plain column name (letters, digits, '_') of the query");
    }
    if (batchRows < 1 || batchRows > 1_000_000) {
      throw new IllegalArgumentException("jdbc." + name + ".batch.rows must be between 1 and 1000000");
    }
  }

  @Override
  public String toString() {
    return "JdbcSourceConfig[" + name + " -> " + dataset + ", key " + keyColumn + "]"; // no URL, no password
  }
}
