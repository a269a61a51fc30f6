package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.rounds.RoundInvite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundProgressTest {
  @TempDir Path dir;

  @Test
  void theOpenRoundShowsWhoUploadedWhoDeclinedAndWhoIsStillAwaited() throws Exception {
    var three = java.util.List.of(CoordinatorTest.BREAST.get(0), CoordinatorTest.BREAST.get(1), CoordinatorTest.BREAST.get(0));
    // the hub's clock stands still: round 1 waits for site 2 for as long as the test looks at it
    var clock = new io.fedge.federation.time.MutableClock(java.time.Instant.now());
    try (InMemoryFederation f = new InMemoryFederation(dir, "jdbc:sqlite:" + dir.resolve("hub.db"), three, clock)) {
      // site 2 never hears of round 1; site 3 refuses the job, so it is never invited to a round
      f.dropDown = (d, m) -> d.equals("d-site2") && m instanceof RoundInvite i && i.round() == 1;
      f.refusing.add("d-site3");
      f.coordinator.submit(CoordinatorTest.job("live", false, 2, "[\"d-site1\",\"d-site2\",\"d-site3\"]", ",\"quorum\":2")
          .getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
          .until(() -> f.coordinator.progress("live").filter(p -> p.round() == 1 && p.uploaded().size() == 1).isPresent());
      RoundProgress p = f.coordinator.progress("live").orElseThrow();
      assertThat(p.phase()).isEqualTo("train");
      assertThat(p.invited()).containsExactlyInAnyOrder("d-site1", "d-site2");
      assertThat(p.uploaded()).containsExactly("d-site1");
      assertThat(p.waiting()).containsExactly("d-site2");
      assertThat(p.deadline()).isAfter(p.startedAt());
      assertThat(p.secure()).isFalse();
      f.coordinator.cancel("live", "test over");
      assertThat(f.coordinator.progress("live")).isEmpty();
    }
  }

  @Test
  void aJobWithNoOpenRoundHasNoProgress() throws Exception {
    try (InMemoryFederation f = new InMemoryFederation(dir, "jdbc:sqlite:" + dir.resolve("hub.db"), CoordinatorTest.BREAST)) {
      assertThat(f.coordinator.progress("never-submitted")).isEmpty();
    }
  }
}
