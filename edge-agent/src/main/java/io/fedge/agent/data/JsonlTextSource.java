package io.fedge.agent.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** JSON Lines records as text rows aligned to a dataset's columns; an unknown key is a row error. */
final class JsonlTextSource implements TextSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonlReader reader;
  private final List<String> columns;
  private final Map<String, Integer> index = new java.util.HashMap<>();
  private String lastRaw;

  JsonlTextSource(JsonlReader reader, List<String> columns) {
    this.reader = reader;
    this.columns = columns;
    for (int i = 0; i < columns.size(); i++) {
      index.put(columns.get(i), i);
    }
  }

  @Override
  public TextRecord next() throws IOException {
    JsonlReader.JsonRecord r = reader.next();
    if (r == null) {
      return null;
    }
    String[] values = new String[columns.size()];
    if (r.error() != null) {
      lastRaw = r.values().getOrDefault("_raw", "");
      return new TextRecord(r.line(), values, r.error());
    }
    lastRaw = null;
    String error = null;
    for (Map.Entry<String, String> e : r.values().entrySet()) {
      Integer i = index.get(e.getKey());
      if (i == null) {
        if (error == null) {
          error = "unknown column '" + ColumnType.shorten(e.getKey()) + "' (the dataset's columns are fixed by its first file)";
          lastRaw = json(r.values());
        }
      } else {
        values[i] = e.getValue();
      }
    }
    return new TextRecord(r.line(), values, error);
  }

  private static String json(Map<String, String> values) {
    ObjectNode o = JSON.createObjectNode();
    values.forEach(o::put);
    return o.toString();
  }

  @Override
  public String raw(TextRecord r) {
    if (lastRaw != null) {
      return lastRaw.length() <= 2000 ? lastRaw : lastRaw.substring(0, 2000) + "...";
    }
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < columns.size(); i++) {
      if (r.values()[i] != null) {
        o.put(columns.get(i), r.values()[i]);
      }
    }
    String s = o.toString();
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
  }

  @Override
  public long position() {
    return reader.position();
  }

  @Override
  public long nextLine() {
    return reader.nextLine();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
