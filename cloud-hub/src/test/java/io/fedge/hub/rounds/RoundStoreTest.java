package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.rounds.RoundRecords.JobRow;
import io.fedge.hub.rounds.RoundRecords.JobState;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import io.fedge.hub.rounds.RoundRecords.UpdateRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The round store against SQLite (file) and PostgreSQL (a schema of its own per run). */
class RoundStoreTest {
  static final String PG = System.getProperty("fedge.test.postgres.url",
      System.getenv().getOrDefault("FEDGE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));

  static Stream<Arguments> databases() {
    Supplier<Database> sqlite = () -> {
      try {
        return Database.open("jdbc:sqlite:" + java.nio.file.Files.createTempDirectory("rounds").resolve("hub.db"));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    };
    Supplier<Database> pg = () -> {
      String schema = "fedge_rounds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA " + schema);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("PostgreSQL is required for this test (CI provides it): " + e.getMessage(), e);
      }
      return Database.open(PG + (PG.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    };
    return Stream.of(Arguments.of("sqlite", sqlite), Arguments.of("postgresql", pg));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aRoundsLifeIsStoredAndUpdatesAndChunksAreRecordedOnce(String name, Supplier<Database> open) {
    try (Database db = open.get()) {
      Migrations.migrateToLatest(db);
      RoundStore s = new RoundStore(db);
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      JobRow job = new JobRow("job-1", "{}", JobState.CONSENT, null, now, now, now.plusSeconds(60), 1, null, null, null);
      assertThat(s.insertJob(job, List.of("d-aaa1", "d-bbb2"))).isTrue();
      assertThat(s.insertJob(job, List.of("d-aaa1"))).isFalse();
      assertThat(s.recordConsent("job-1", "d-bbb2", false, "policy: no", "dealer", now)).isTrue();
      assertThat(s.participants("job-1")).extracting(p -> p.consent()).containsExactly("pending", "refused");
      assertThat(s.setJobState("job-1", JobState.RUNNING, null, now)).isTrue();
      s.insertRound(new RoundRow("job-1", 1, 1, "train", RoundState.COLLECTING, now, now.plusSeconds(30), null, null,
          new byte[32], "{}", null, null));
      assertThat(s.openRounds()).hasSize(1);

      byte[] payload = new byte[Chunk.CHUNK_BYTES + 10];
      new java.util.Random(3).nextBytes(payload);
      List<Chunk> chunks = Chunks.split("u.job-1.1.1.d-aaa1", payload);
      assertThat(s.putChunk("job-1", "d-aaa1", chunks.get(0))).isEqualTo(1);
      assertThat(s.putChunk("job-1", "d-aaa1", chunks.get(0))).isEqualTo(1);
      assertThat(s.putChunk("job-1", "d-aaa1", chunks.get(1))).isEqualTo(2);
      assertThat(Chunks.join(s.chunks("u.job-1.1.1.d-aaa1"))).isEqualTo(payload);

      UpdateRow u = new UpdateRow("d-aaa1", now, "ab".repeat(32), "accepted", null, payload);
      assertThat(s.recordUpdate("job-1", 1, 1, u, "u.job-1.1.1.d-aaa1")).isTrue();
      assertThat(s.recordUpdate("job-1", 1, 1, u, "u.job-1.1.1.d-aaa1")).isFalse();
      assertThat(s.updates("job-1", 1, 1)).singleElement().satisfies(r -> assertThat(r.payload()).isEqualTo(payload));
      assertThat(s.chunks("u.job-1.1.1.d-aaa1")).isEmpty();

      s.completeRound("job-1", 1, 1, "cd".repeat(32), "{\"x\":1}", new byte[] {1, 2}, null, 2, now);
      assertThat(s.openRounds()).isEmpty();
      assertThat(s.job("job-1").orElseThrow().nextRound()).isEqualTo(2);
      assertThat(s.job("job-1").orElseThrow().globalParams()).containsExactly(1, 2);
      assertThat(s.setJobState("job-1", JobState.DONE, null, now)).isTrue();
      assertThat(s.setJobState("job-1", JobState.FAILED, "late", now)).as("terminal states stay").isFalse();
    }
  }
}
