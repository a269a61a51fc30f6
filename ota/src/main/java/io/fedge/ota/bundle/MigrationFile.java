package io.fedge.ota.bundle;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A configuration migration: a properties file whose keys are {@code set.<key>=<value>},
 * {@code remove.<key>=} or {@code rename.<old key>=<new key>}. Migrations run in file-name order
 * on a copy of the previous slot's {@code agent.properties} while installing; the previous slot
 * keeps its own file, so a rollback also rolls the configuration back.
 */
public record MigrationFile(List<Op> ops) {
  public record Op(String action, String key, String value) {}

  public static MigrationFile parse(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("migration is not a properties file");
    }
    List<Op> ops = new ArrayList<>();
    for (String k : new TreeMap<>(Map.copyOf(p)).keySet().stream().map(Object::toString).toList()) {
      int dot = k.indexOf('.');
      String action = dot < 0 ? k : k.substring(0, dot);
      String key = dot < 0 ? "" : k.substring(dot + 1);
      if (!List.of("set", "remove", "rename").contains(action) || key.isEmpty()) {
        throw new IllegalArgumentException("migration key " + k + " must be set.<key>, remove.<key> or rename.<key>");
      }
      ops.add(new Op(action, key, p.getProperty(k)));
    }
    return new MigrationFile(List.copyOf(ops));
  }

  public void applyTo(Properties config) {
    for (Op op : ops) {
      switch (op.action()) {
        case "set" -> config.setProperty(op.key(), op.value());
        case "remove" -> config.remove(op.key());
        case "rename" -> {
          String v = (String) config.remove(op.key());
          if (v != null) {
            config.setProperty(op.value(), v);
          }
        }
        default -> throw new IllegalStateException(op.action());
      }
    }
  }
}
