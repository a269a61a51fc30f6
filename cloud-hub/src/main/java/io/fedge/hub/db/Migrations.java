package io.fedge.hub.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema scripts, applied in order and recorded in {@code schema_version}.
 *
 * <p>Scripts live on the classpath as {@code db/migration/V<n>__<name>.sql}, or, when a statement
 * must differ between the backends, as the pair {@code V<n>__<name>.sqlite.sql} and {@code
 * V<n>__<name>.postgresql.sql} (a dialect's own script wins over a shared one of the same version).
 * Each script runs in its own transaction together with its {@code schema_version} row, so a failing
 * script leaves no trace. On PostgreSQL every migration transaction first takes a transaction-scoped
 * advisory lock for the current schema, so hub replicas starting together apply each script once;
 * on SQLite {@code BEGIN IMMEDIATE} does the same.
 *
 * <p>Running the migrations again is a no-op. A database whose applied scripts differ from the
 * known ones (edited after being applied), or which has versions this hub does not know (written by
 * a newer hub), is refused with an {@link IllegalStateException}.
 *
 * <p>Scripts are split into statements at semicolons outside quotes and comments; dollar-quoted
 * PostgreSQL bodies are not supported.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Where the hub's own scripts are on the classpath. */
  public static final String DEFAULT_LOCATION = "db/migration";

  private static final Pattern FILE_NAME =
      Pattern.compile("V([1-9][0-9]{0,8})__([A-Za-z0-9_]+?)(?:\\.(sqlite|postgresql))?\\.sql");

  /** First key of the two-key PostgreSQL advisory lock ("FEDG"); the second is the schema's hash. */
  static final int ADVISORY_LOCK_CLASS = 0x46454447;

  /**
   * One migration script.
   *
   * @param version its position in the order, from 1
   * @param name what it does, from the file name
   * @param dialect the only dialect it is for, or null when shared by both
   * @param sql its text
   */
  public record Script(int version, String name, Dialect dialect, String sql) {
    public Script {
      if (version < 1) {
        throw new IllegalArgumentException("migration versions start at 1: " + version);
      }
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
    }

    String checksum() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String normalized = sql.replace("\r\n", "\n");
        return HexFormat.of().formatHex(sha.digest(normalized.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }

  private final List<Script> scripts;

  private Migrations(List<Script> scripts) {
    this.scripts = List.copyOf(scripts);
    Map<String, Script> seen = new LinkedHashMap<>();
    for (Script s : this.scripts) {
      String key = s.version() + "/" + s.dialect();
      if (seen.putIfAbsent(key, s) != null) {
        throw new IllegalArgumentException(
            "two migration scripts for version " + s.version() + (s.dialect() == null ? "" : " (" + s.dialect() + ")"));
      }
    }
  }

  /** The hub's own scripts under {@link #DEFAULT_LOCATION}. */
  public static Migrations fromClasspath() {
    return fromClasspath(Migrations.class.getClassLoader(), DEFAULT_LOCATION);
  }

  /**
   * The scripts under {@code location} (a folder, e.g. {@code db/migration}) on a class path, in a
   * directory or a jar (with directory entries, as Maven writes them).
   *
   * @throws IllegalStateException if there are none, or a {@code .sql} file there is misnamed
   */
  public static Migrations fromClasspath(ClassLoader loader, String location) {
    Objects.requireNonNull(loader, "loader");
    String folder = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    List<Script> found = new ArrayList<>();
    try {
      Enumeration<URL> roots = loader.getResources(folder);
      while (roots.hasMoreElements()) {
        for (String fileName : listFolder(roots.nextElement())) {
          Matcher m = FILE_NAME.matcher(fileName);
          if (!m.matches()) {
            if (fileName.endsWith(".sql")) {
              throw new IllegalStateException(
                  "migration script " + folder + "/" + fileName + " is not named V<n>__<name>[.<dialect>].sql");
            }
            continue;
          }
          String sql;
          try (InputStream in = loader.getResourceAsStream(folder + "/" + fileName)) {
            if (in == null) {
              throw new IllegalStateException("cannot read " + folder + "/" + fileName);
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          Dialect dialect = m.group(3) == null ? null : Dialect.valueOf(m.group(3).toUpperCase(java.util.Locale.ROOT));
          found.add(new Script(Integer.parseInt(m.group(1)), m.group(2), dialect, sql));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list migration scripts in " + folder, e);
    }
    if (found.isEmpty()) {
      // A packaging mistake (or a jar without directory entries); starting on no schema would be worse.
      throw new IllegalStateException("no migration scripts found in " + folder + " on the class path");
    }
    return new Migrations(found);
  }

  /** These scripts, in any order. */
  public static Migrations of(List<Script> scripts) {
    return new Migrations(scripts);
  }

  private static List<String> listFolder(URL root) throws IOException {
    switch (root.getProtocol()) {
      case "file" -> {
        Path dir;
        try {
          dir = Paths.get(root.toURI());
        } catch (URISyntaxException e) {
          throw new IOException("bad folder URL " + root, e);
        }
        try (Stream<Path> files = Files.list(dir)) {
          return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
      }
      case "jar" -> {
        URLConnection connection = root.openConnection();
        connection.setUseCaches(false);
        if (!(connection instanceof JarURLConnection jar)) {
          throw new IOException("cannot list " + root);
        }
        String prefix = jar.getEntryName() == null ? "" : jar.getEntryName();
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
          prefix += "/";
        }
        List<String> names = new ArrayList<>();
        try (JarFile file = jar.getJarFile()) {
          for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
              names.add(name.substring(prefix.length()));
            }
          }
        }
        Collections.sort(names);
        return names;
      }
      default -> throw new IOException("cannot list migration scripts at " + root);
    }
  }

  /** The highest version known. */
  public int latestVersion() {
    return scripts.stream().mapToInt(Script::version).max().orElse(0);
  }

  /** The script each version runs on {@code dialect}, in order. */
  public List<Script> scriptsFor(Dialect dialect) {
    Map<Integer, Script> chosen = new TreeMap<>();
    TreeSet<Integer> versions = new TreeSet<>();
    for (Script s : scripts) {
      versions.add(s.version());
      if (s.dialect() == dialect || (s.dialect() == null && !chosen.containsKey(s.version()))) {
        chosen.put(s.version(), s);
      }
    }
    for (int v : versions) {
      if (!chosen.containsKey(v)) {
        throw new IllegalStateException("migration V" + v + " has no script for " + dialect.scriptSuffix());
      }
    }
    return List.copyOf(chosen.values());
  }

  /** Applies the hub's own scripts to {@code db}; returns the versions applied now. */
  public static List<Integer> migrateToLatest(Database db) {
    return fromClasspath().migrate(db);
  }

  /**
   * Brings {@code db} up to the latest version, one transaction per script.
   *
   * @return the versions applied by this call, in order (empty when it was up to date)
   * @throws IllegalStateException if the database was migrated by different or newer scripts
   */
  public List<Integer> migrate(Database db) {
    List<Script> ordered = scriptsFor(db.dialect());
    Map<Integer, Script> byVersion = new TreeMap<>();
    ordered.forEach(s -> byVersion.put(s.version(), s));

    db.inTransaction(c -> {
      prepare(c, db.dialect());
      verify(readApplied(c), byVersion);
      return null;
    });

    List<Integer> applied = new ArrayList<>();
    for (Script script : ordered) {
      boolean ran = db.inTransaction(c -> {
        prepare(c, db.dialect());
        Map<Integer, String> done = readApplied(c);
        if (done.containsKey(script.version())) {
          verify(done, byVersion);
          return false;
        }
        for (String statement : splitStatements(script.sql())) {
          try (Statement st = c.createStatement()) {
            st.execute(statement);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
          ps.setInt(1, script.version());
          ps.setString(2, script.name());
          ps.setString(3, script.checksum());
          ps.setLong(4, System.currentTimeMillis());
          ps.executeUpdate();
        }
        return true;
      });
      if (ran) {
        LOG.info("Applied schema migration V{} {} ({})", script.version(), script.name(), db.dialect().scriptSuffix());
        applied.add(script.version());
      }
    }
    return List.copyOf(applied);
  }

  /** The versions applied to {@code db}, with their checksums, in order. */
  public static Map<Integer, String> appliedVersions(Database db) {
    return db.inTransaction(c -> {
      prepare(c, db.dialect());
      return readApplied(c);
    });
  }

  private static void prepare(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
        ps.setInt(1, ADVISORY_LOCK_CLASS);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
          + " version INTEGER NOT NULL PRIMARY KEY,"
          + " name TEXT NOT NULL,"
          + " checksum TEXT NOT NULL,"
          + " applied_at BIGINT NOT NULL)");
    }
  }

  private static Map<Integer, String> readApplied(Connection c) throws SQLException {
    Map<Integer, String> applied = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
    }
    return applied;
  }

  private static void verify(Map<Integer, String> applied, Map<Integer, Script> known) {
    for (Map.Entry<Integer, String> e : applied.entrySet()) {
      Script script = known.get(e.getKey());
      if (script == null) {
        throw new IllegalStateException("database schema has version " + e.getKey()
            + ", which this hub does not know (it knows up to " + known.keySet().stream().mapToInt(i -> i).max().orElse(0)
            + "); was it written by a newer hub?");
      }
      if (!script.checksum().equals(e.getValue())) {
        throw new IllegalStateException("migration V" + e.getKey() + " (" + script.name()
            + ") differs from the script that was applied to this database; applied scripts must never change");
      }
    }
  }

  /**
   * Splits a script into statements at semicolons that are not inside a quoted string, a quoted
   * identifier or a comment. Comments are dropped; blank statements are skipped.
   */
  static List<String> splitStatements(String sql) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char ch = sql.charAt(i);
      char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
      if (ch == '-' && next == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end;
        continue;
      }
      if (ch == '/' && next == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated /* comment in migration script");
        }
        current.append(' ');
        i = end + 2;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new IllegalArgumentException("unterminated " + ch + " quote in migration script");
          }
          if (sql.charAt(j) == ch) {
            if (j + 1 < n && sql.charAt(j + 1) == ch) {
              j += 2; // doubled quote inside the quote
              continue;
            }
            break;
          }
          j++;
        }
        current.append(sql, i, j + 1);
        i = j + 1;
        continue;
      }
      if (ch == ';') {
        addStatement(statements, current);
        i++;
        continue;
      }
      current.append(ch);
      i++;
    }
    addStatement(statements, current);
    return statements;
  }

  private static void addStatement(List<String> statements, StringBuilder current) {
    String statement = current.toString().strip();
    if (!statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
  }
}
