package io.fedge.agent.dashboard.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingFeedTest {
  private static TrainingEvent event(int round) {
    return new TrainingEvent("job", "trained", round, 10, 1.0, 1.0 / round, Map.of(), List.of(), Instant.EPOCH);
  }

  @Test
  void keepsOnlyTheNewestEventsUpToItsCapacity() {
    TrainingFeed f = new TrainingFeed(3);
    for (int r = 1; r <= 5; r++) {
      f.publish(event(r));
    }
    assertThat(f.history()).extracting(TrainingEvent::round).containsExactly(3, 4, 5);
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersAndClosingUnsubscribes() throws Exception {
    TrainingFeed f = new TrainingFeed(10);
    List<Integer> seen = new ArrayList<>();
    f.subscribe(e -> {
      throw new IllegalStateException("viewer gone");
    });
    AutoCloseable sub = f.subscribe(e -> seen.add(e.round()));
    f.publish(event(1));
    sub.close();
    f.publish(event(2));
    assertThat(seen).containsExactly(1);
    assertThat(f.subscribers()).isEqualTo(1);
  }
}
