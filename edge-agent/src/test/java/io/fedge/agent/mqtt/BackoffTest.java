package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration CAP = Duration.ofSeconds(10);

  /** A generator that always answers the top of the requested range. */
  private static RandomGenerator alwaysMax() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return Long.MAX_VALUE;
      }

      @Override
      public long nextLong(long bound) {
        return bound - 1;
      }
    };
  }

  @Test
  void ceilingDoublesFromBaseUntilTheCap() {
    Backoff b = new Backoff(BASE, CAP, alwaysMax());
    long[] expectedMs = {100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000};
    for (long ms : expectedMs) {
      assertThat(b.next()).isEqualTo(Duration.ofMillis(ms));
    }
  }

  @Test
  void everyDelayIsWithinZeroAndTheCurrentCeiling() {
    Backoff b = new Backoff(BASE, CAP, new SplittableRandom(42));
    for (int i = 0; i < 10_000; i++) {
      Duration ceiling = b.ceiling();
      Duration d = b.next();
      assertThat(d).isBetween(Duration.ZERO, ceiling);
      assertThat(d).isLessThanOrEqualTo(CAP);
      if (i % 50 == 49) {
        b.reset();
      }
    }
  }

  @Test
  void jitterSpreadsDelaysOverTheWholeWindow() {
    Backoff b = new Backoff(BASE, CAP, new SplittableRandom(7));
    long below = 0;
    long above = 0;
    for (int i = 0; i < 2_000; i++) {
      b.reset();
      for (int k = 0; k < 20; k++) {
        b.next();
      }
      long ms = b.next().toMillis(); // at the cap
      if (ms < 2_500) {
        below++;
      } else if (ms > 7_500) {
        above++;
      }
    }
    assertThat(below).isBetween(300L, 700L);
    assertThat(above).isBetween(300L, 700L);
  }

  @Test
  void resetStartsOverFromBase() {
    Backoff b = new Backoff(BASE, CAP, alwaysMax());
    for (int i = 0; i < 30; i++) {
      b.next();
    }
    assertThat(b.ceiling()).isEqualTo(CAP);
    b.reset();
    assertThat(b.ceiling()).isEqualTo(BASE);
    assertThat(b.next()).isEqualTo(BASE);
  }

  @Test
  void manyAttemptsNeverOverflowPastTheCap() {
    Backoff b = new Backoff(Duration.ofNanos(1), Duration.ofDays(365), alwaysMax());
    for (int i = 0; i < 500; i++) {
      assertThat(b.next()).isBetween(Duration.ZERO, Duration.ofDays(365));
    }
  }

  @Test
  void atCapStaysInTheUpperHalfOfTheCap() {
    Backoff b = new Backoff(BASE, CAP, new SplittableRandom(1));
    for (int i = 0; i < 5_000; i++) {
      assertThat(b.atCap()).isBetween(CAP.dividedBy(2), CAP);
    }
  }

  @Test
  void invalidBoundsAreRejected() {
    RandomGenerator r = new SplittableRandom(1);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, CAP, r))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(CAP, BASE, r))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
