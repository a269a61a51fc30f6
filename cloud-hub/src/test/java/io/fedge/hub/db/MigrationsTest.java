package io.fedge.hub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How migration scripts are found, chosen per dialect and split; no database needed. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MigrationsTest {

  @Test
  void the_hubs_own_scripts_have_a_version_1_for_each_dialect() {
    Migrations hub = Migrations.fromClasspath();
    assertThat(hub.latestVersion()).isGreaterThanOrEqualTo(1);
    assertThat(hub.scriptsFor(Dialect.SQLITE)).first().satisfies(s -> {
      assertThat(s.name()).isEqualTo("initial_schema");
      assertThat(s.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(s.sql()).contains("AUTOINCREMENT");
    });
    assertThat(hub.scriptsFor(Dialect.POSTGRESQL)).first().satisfies(s -> {
      assertThat(s.dialect()).isEqualTo(Dialect.POSTGRESQL);
      assertThat(s.sql()).contains("GENERATED ALWAYS AS IDENTITY").doesNotContain("AUTOINCREMENT");
    });
  }

  @Test
  void the_two_version_1_scripts_differ_only_in_the_audit_log_id() {
    List<String> sqlite = statements(Migrations.fromClasspath().scriptsFor(Dialect.SQLITE).get(0));
    List<String> postgres = statements(Migrations.fromClasspath().scriptsFor(Dialect.POSTGRESQL).get(0));
    assertThat(sqlite).hasSameSizeAs(postgres);
    List<Integer> differing = new ArrayList<>();
    for (int i = 0; i < sqlite.size(); i++) {
      if (!sqlite.get(i).equals(postgres.get(i))) {
        differing.add(i);
      }
    }
    assertThat(differing).singleElement().satisfies(i -> {
      assertThat(sqlite.get(i)).startsWith("CREATE TABLE audit_log");
      assertThat(sqlite.get(i).replace("INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", "X"))
          .isEqualTo(postgres.get(i).replace("BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "X"));
    });
  }

  private static List<String> statements(Migrations.Script script) {
    return Migrations.splitStatements(script.sql());
  }

  @Test
  void statements_split_at_semicolons_outside_quotes_and_comments() {
    String sql = """
        -- a comment; with a semicolon
        CREATE TABLE t (x TEXT DEFAULT 'a;b', "odd;name" INTEGER);
        /* block; comment */ INSERT INTO t (x) VALUES ('it''s; fine');

        ;
        UPDATE t SET x = 'z'""";
    assertThat(Migrations.splitStatements(sql)).containsExactly(
        "CREATE TABLE t (x TEXT DEFAULT 'a;b', \"odd;name\" INTEGER)",
        "INSERT INTO t (x) VALUES ('it''s; fine')",
        "UPDATE t SET x = 'z'");
  }

  @Test
  void unterminated_quotes_and_comments_are_reported() {
    assertThatThrownBy(() -> Migrations.splitStatements("SELECT 'x;")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Migrations.splitStatements("SELECT 1 /* x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_dialect_script_wins_over_a_shared_one_and_a_missing_one_is_an_error() {
    Migrations m = Migrations.of(List.of(
        new Migrations.Script(2, "two", Dialect.POSTGRESQL, "pg2"),
        new Migrations.Script(1, "one", null, "shared1"),
        new Migrations.Script(2, "two", null, "shared2"),
        new Migrations.Script(3, "three", Dialect.SQLITE, "lite3")));

    assertThat(m.scriptsFor(Dialect.SQLITE)).extracting(Migrations.Script::sql).containsExactly("shared1", "shared2", "lite3");
    assertThatThrownBy(() -> m.scriptsFor(Dialect.POSTGRESQL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("V3 has no script for postgresql");
    assertThat(m.latestVersion()).isEqualTo(3);
  }

  @Test
  void two_scripts_for_the_same_version_and_dialect_are_refused() {
    assertThatThrownBy(() -> Migrations.of(List.of(
        new Migrations.Script(1, "a", null, "x"), new Migrations.Script(1, "b", null, "y"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Migrations.Script(0, "zero", null, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scripts_are_found_inside_a_jar_and_applied_in_version_order(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("migrations.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      dir(out, "sql/");
      dir(out, "sql/m/");
      dir(out, "sql/m/nested/");
      dir(out, "sql/other/");
      put(out, "sql/m/V10__late.sql", "CREATE TABLE late (x INTEGER)");
      put(out, "sql/m/V2__second.sqlite.sql", "CREATE TABLE second (x INTEGER)");
      put(out, "sql/m/V2__second.postgresql.sql", "CREATE TABLE second (x BIGINT)");
      put(out, "sql/m/V1__first.sql", "CREATE TABLE first (x INTEGER); INSERT INTO first VALUES (1)");
      put(out, "sql/m/README.txt", "not a script");
      put(out, "sql/m/nested/V99__ignored.sql", "this is in a sub-folder");
      put(out, "sql/other/V5__elsewhere.sql", "not in the folder");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Migrations m = Migrations.fromClasspath(loader, "sql/m");
      assertThat(m.scriptsFor(Dialect.SQLITE)).extracting(Migrations.Script::version, Migrations.Script::name)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, "first"),
              org.assertj.core.groups.Tuple.tuple(2, "second"),
              org.assertj.core.groups.Tuple.tuple(10, "late"));
      assertThat(m.scriptsFor(Dialect.POSTGRESQL).get(1).sql()).isEqualTo("CREATE TABLE second (x BIGINT)");

      try (Database db = Database.open("jdbc:sqlite::memory:")) {
        assertThat(m.migrate(db)).containsExactly(1, 2, 10);
        assertThat(m.migrate(db)).isEmpty();
        Map<Integer, String> applied = Migrations.appliedVersions(db);
        assertThat(applied).containsOnlyKeys(1, 2, 10);
        int first = db.inTransaction(c -> {
          try (var st = c.createStatement(); var rs = st.executeQuery("SELECT x FROM first")) {
            return rs.next() ? rs.getInt(1) : -1;
          }
        });
        assertThat(first).isEqualTo(1);
      }
    }
  }

  @Test
  void a_badly_named_script_is_an_error_not_silently_skipped(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("bad.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      dir(out, "m/");
      put(out, "m/V1__ok.sql", "SELECT 1");
      put(out, "m/v2-missing-underscores.sql", "SELECT 2");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> Migrations.fromClasspath(loader, "m"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("v2-missing-underscores.sql");
    }
  }

  @Test
  void finding_no_scripts_at_all_is_an_error(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("no-dirs.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      put(out, "m/V1__ok.sql", "SELECT 1"); // no directory entry, so the folder cannot be listed
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> Migrations.fromClasspath(loader, "m"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no migration scripts found in m");
      assertThatThrownBy(() -> Migrations.fromClasspath(loader, "nowhere"))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void an_empty_database_reports_no_applied_versions() {
    try (Database db = Database.open("jdbc:sqlite::memory:")) {
      assertThat(Migrations.appliedVersions(db)).isEmpty();
      assertThat(Migrations.of(List.of()).migrate(db)).isEmpty();
    }
  }

  private static void dir(JarOutputStream out, String name) throws Exception {
    out.putNextEntry(new JarEntry(name));
    out.closeEntry();
  }

  private static void put(JarOutputStream out, String name, String content) throws Exception {
    out.putNextEntry(new JarEntry(name));
    out.write(content.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
