package io.fedge.provisioning;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Token buckets: one per key (e.g. remote address) and one global. A request passes only if both
 * its key's bucket and the global bucket hold a token; a refused request consumes nothing. Memory
 * is bounded: keys idle for {@link Settings#idleEviction()} are dropped, and beyond
 * {@link Settings#maxKeys()} the least recently used key is dropped (it comes back with a full
 * bucket, which is why the global bucket exists). Thread-safe.
 */
public final class RateLimiter {

  /**
   * @param perKeyPerSecond sustained rate per key
   * @param perKeyBurst bucket size per key
   * @param globalPerSecond sustained rate over all keys
   * @param globalBurst global bucket size
   * @param maxKeys most keys remembered at once
   * @param idleEviction forget a key not seen for this long
   */
  public record Settings(
      double perKeyPerSecond, int perKeyBurst, double globalPerSecond, int globalBurst, int maxKeys, Duration idleEviction) {
    public Settings {
      if (!(perKeyPerSecond > 0) || !(globalPerSecond > 0) || perKeyBurst < 1 || globalBurst < 1 || maxKeys < 1) {
        throw new IllegalArgumentException("rates must be positive, bursts and maxKeys at least 1");
      }
      Objects.requireNonNull(idleEviction, "idleEviction");
    }

    /** 10 attempts per minute per address (burst 5), 5 per second overall (burst 50), 10 000 keys. */
    public static Settings defaults() {
      return new Settings(10.0 / 60, 5, 5, 50, 10_000, Duration.ofMinutes(10));
    }
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    void refill(long now, double perSecond, int burst) {
      long elapsed = now - lastNanos;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * perSecond / 1e9);
        lastNanos = now;
      }
    }
  }

  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Bucket global;
  private final LinkedHashMap<String, Bucket> buckets;

  public RateLimiter(Settings settings) {
    this(settings, System::nanoTime);
  }

  /** With an injectable monotonic clock, for tests. */
  public RateLimiter(Settings settings, LongSupplier nanoTime) {
    this.settings = Objects.requireNonNull(settings);
    this.nanoTime = Objects.requireNonNull(nanoTime);
    this.global = new Bucket(settings.globalBurst(), nanoTime.getAsLong());
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > settings.maxKeys();
          }
        };
  }

  /** Takes one token for {@code key} (null counts as one shared "unknown" key) if allowed. */
  public synchronized boolean tryAcquire(String key) {
    String k = key == null ? "" : key;
    long now = nanoTime.getAsLong();
    evictIdle(now);
    global.refill(now, settings.globalPerSecond(), settings.globalBurst());
    Bucket b = buckets.get(k);
    if (b == null) {
      b = new Bucket(settings.perKeyBurst(), now);
      buckets.put(k, b);
    } else {
      b.refill(now, settings.perKeyPerSecond(), settings.perKeyBurst());
    }
    if (b.tokens >= 1 && global.tokens >= 1) {
      b.tokens -= 1;
      global.tokens -= 1;
      return true;
    }
    return false;
  }

  /** How many keys are currently remembered. */
  public synchronized int trackedKeys() {
    return buckets.size();
  }

  private void evictIdle(long now) {
    long idle = settings.idleEviction().toNanos();
    // Access order: the eldest entries are the least recently used, so stop at the first fresh one.
    Iterator<Bucket> it = buckets.values().iterator();
    while (it.hasNext()) {
      if (now - it.next().lastNanos >= idle) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
