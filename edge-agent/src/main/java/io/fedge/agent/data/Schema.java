package io.fedge.agent.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ordered, typed columns of a dataset. Column names are what the source calls them (a CSV
 * header cell, a JSON key, a JDBC column label): 1 to 128 characters, no control characters, unique
 * ignoring case (SQLite compares identifiers that way), not starting with {@code _} (reserved for
 * the agent's own bookkeeping columns).
 */
public final class Schema {
  public static final int MAX_COLUMNS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Column> columns;
  private final Map<String, Integer> index = new HashMap<>();

  public Schema(List<Column> columns) {
    if (columns.isEmpty()) {
      throw new DataException("a dataset needs at least one column");
    }
    if (columns.size() > MAX_COLUMNS) {
      throw new DataException("a dataset has at most " + MAX_COLUMNS + " columns, got " + columns.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      String n = columns.get(i).name();
      checkColumnName(n);
      if (!seen.add(n.toLowerCase(java.util.Locale.ROOT))) {
        throw new DataException("column name '" + n + "' appears twice; column names must be unique");
      }
      index.put(n, i);
    }
    this.columns = List.copyOf(columns);
  }

  public static void checkColumnName(String n) {
    if (n == null || n.isEmpty()) {
      throw new DataException("a column has an empty name; every column needs a name in the header");
    }
    if (n.length() > 128) {
      throw new DataException("column name '" + ColumnType.shorten(n) + "' is longer than 128 characters");
    }
    if (n.startsWith("_")) {
      throw new DataException("column name '" + n + "' starts with '_', which is reserved for the agent");
    }
    for (int i = 0; i < n.length(); i++) {
      if (Character.isISOControl(n.charAt(i))) {
        throw new DataException("column name '" + ColumnType.shorten(n) + "' contains a control character");
      }
    }
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public Column column(int i) {
    return columns.get(i);
  }

  /** Position of the named column, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public List<String> names() {
    List<String> n = new ArrayList<>(columns.size());
    for (Column c : columns) {
      n.add(c.name());
    }
    return n;
  }

  public String toJson() {
    ArrayNode a = JSON.createArrayNode();
    for (Column c : columns) {
      a.addObject().put("name", c.name()).put("type", c.type().label());
    }
    return a.toString();
  }

  public static Schema fromJson(String json) {
    try {
      List<Column> cols = new ArrayList<>();
      for (JsonNode n : JSON.readTree(json)) {
        cols.add(new Column(n.get("name").asText(), ColumnType.ofLabel(n.get("type").asText())));
      }
      return new Schema(cols);
    } catch (JsonProcessingException e) {
      throw new DataException("stored schema is not valid JSON: " + e.getOriginalMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema s && s.columns.equals(columns);
  }

  @Override
  public int hashCode() {
    return columns.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Column c : columns) {
      b.append(b.length() == 0 ? "" : ", ").append(c.name()).append(':').append(c.type().label());
    }
    return b.toString();
  }
}
