package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private void advanceSeconds(double s) {
    nanos.addAndGet((long) (s * 1e9));
  }

  @Test
  void a_key_gets_its_burst_then_is_refused_until_tokens_refill() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 3, 100, 100, 10, Duration.ofMinutes(1)), nanos::get);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isFalse();
    advanceSeconds(0.5);
    assertThat(rl.tryAcquire("a")).isFalse();
    advanceSeconds(0.6);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isFalse();
  }

  @Test
  void keys_are_limited_independently() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 1, 100, 100, 10, Duration.ofMinutes(1)), nanos::get);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isFalse();
    assertThat(rl.tryAcquire("b")).isTrue();
    assertThat(rl.tryAcquire(null)).isTrue();
  }

  @Test
  void the_global_bucket_limits_all_keys_together_and_refusals_cost_nothing() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(10, 10, 1, 2, 100, Duration.ofMinutes(1)), nanos::get);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("b")).isTrue();
    assertThat(rl.tryAcquire("c")).isFalse();
    assertThat(rl.tryAcquire("a")).isFalse();
    advanceSeconds(1);
    // "c" was refused by the global bucket but its own bucket is still full
    assertThat(rl.tryAcquire("c")).isTrue();
  }

  @Test
  void tokens_never_accumulate_beyond_the_burst() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 2, 100, 100, 10, Duration.ofHours(1)), nanos::get);
    rl.tryAcquire("a");
    advanceSeconds(1000);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire("a")).isFalse();
  }

  @Test
  void memory_is_bounded_by_max_keys() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 1, 1e9, 1_000_000, 100, Duration.ofHours(1)), nanos::get);
    for (int i = 0; i < 10_000; i++) {
      rl.tryAcquire("k" + i);
    }
    assertThat(rl.trackedKeys()).isEqualTo(100);
  }

  @Test
  void idle_keys_are_evicted() {
    RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 1, 100, 100, 100, Duration.ofSeconds(60)), nanos::get);
    rl.tryAcquire("a");
    rl.tryAcquire("b");
    advanceSeconds(30);
    rl.tryAcquire("c");
    assertThat(rl.trackedKeys()).isEqualTo(3);
    advanceSeconds(31);
    rl.tryAcquire("c");
    assertThat(rl.trackedKeys()).isEqualTo(1);
  }
}
