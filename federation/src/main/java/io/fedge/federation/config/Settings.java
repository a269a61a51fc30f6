package io.fedge.federation.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration of the hub and the agent: a properties file, overridden key by key by environment
 * variables. Key {@code http.port} is overridden by {@code <PREFIX>_HTTP_PORT} (dots and dashes
 * become underscores). Every key is documented in docs/configuration.md; an unknown key in the file
 * is an error, so a typo never goes unnoticed.
 */
public final class Settings {
  private final String envPrefix;
  private final Map<String, String> fileValues;
  private final Map<String, String> env;
  private final Map<String, String> used = new TreeMap<>();

  private Settings(String envPrefix, Map<String, String> fileValues, Map<String, String> env) {
    this.envPrefix = envPrefix;
    this.fileValues = fileValues;
    this.env = env;
  }

  /** Loads {@code file} (may be null or absent: defaults and environment only). */
  public static Settings load(Path file, String envPrefix, Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("configuration file " + file + " does not exist or is not a file");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
      }
      for (String k : p.stringPropertyNames()) {
        values.put(k.trim(), p.getProperty(k).trim());
      }
    }
    return new Settings(envPrefix, values, env);
  }

  public static Settings of(Map<String, String> values, String envPrefix) {
    return new Settings(envPrefix, new TreeMap<>(values), Map.of());
  }

  /** Fails if the file named a key that no component asked for: call after reading every key. */
  public void rejectUnknownKeys() {
    List<String> unknown = new ArrayList<>();
    for (String k : fileValues.keySet()) {
      if (!used.containsKey(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown configuration keys " + unknown + "; see docs/configuration.md");
    }
  }

  public String envName(String key) {
    return envPrefix + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public String string(String key, String def) {
    String v = env.get(envName(key));
    if (v == null) {
      v = fileValues.get(key);
    }
    if (v == null || v.isEmpty()) {
      v = def;
    }
    used.put(key, v);
    return v;
  }

  public String required(String key) {
    String v = string(key, null);
    if (v == null) {
      throw new ConfigException(
          "configuration key '" + key + "' is required (file or environment " + envName(key) + ")");
    }
    return v;
  }

  public int integer(String key, int def, int min, int max) {
    String v = string(key, Integer.toString(def));
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + i);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + v + "'");
    }
  }

  public double decimal(String key, double def, double min, double max) {
    String v = string(key, Double.toString(def));
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + d);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a number, got '" + v + "'");
    }
  }

  /** ISO-8601 durations ({@code PT30S}, {@code P30D}) or a plain number of seconds. */
  public Duration duration(String key, Duration def, Duration min) {
    String v = string(key, def.toString());
    Duration d;
    try {
      d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new ConfigException(key + " must be an ISO-8601 duration such as PT30S or P30D, got '" + v + "'");
    }
    if (d.compareTo(min) < 0) {
      throw new ConfigException(key + " must be at least " + min + ", got " + d);
    }
    return d;
  }

  public List<String> list(String key, String def) {
    String v = string(key, def);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public Path path(String key, Path def) {
    String v = string(key, def == null ? null : def.toString());
    return v == null ? null : Path.of(v);
  }

  /** The keys read so far and their effective values, for a start-up log line (no secrets in keys read). */
  public Map<String, String> effective() {
    // Not Map.copyOf: a key read without a value and without a default (ops.token) maps to null.
    return java.util.Collections.unmodifiableMap(new TreeMap<>(used));
  }

  /** The names of the keys read so far (no values, so nothing secret), e.g. to check they are documented. */
  public java.util.Set<String> keysRead() {
    return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(used.keySet()));
  }

  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }
}
