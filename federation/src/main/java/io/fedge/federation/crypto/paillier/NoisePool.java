package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Precomputed encryption noise r^n mod n^2. The exponentiation is the whole cost of a Paillier
 * encryption; with a pool filled ahead of time (by background threads, while the party waits on its
 * peers) an encryption is one multiplication mod n^2. Every value is handed out once and never
 * reused: reusing r would let anyone who sees two ciphertexts learn the difference of plaintexts.
 *
 * <p>The key holder fills the pool through the CRT shortcut of {@link PaillierPrivateKey}; anyone
 * else uses the public key. {@link #take()} computes a value inline if the pool is empty, so the
 * pool changes speed, never results. With {@link NoiseMode#FIXED_BASE} the values come from a
 * {@link FixedBaseNoise} table instead of a full exponentiation each.
 */
public final class NoisePool implements AutoCloseable {
  private final PaillierPublicKey publicKey;
  private final PaillierPrivateKey privateKey;
  private final ModArith arith;
  private final SecureRandom random;
  private final FixedBaseNoise fixedBase;
  private final BlockingQueue<BigInteger> ready;
  private final ExecutorService fillers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NoisePool(PaillierPublicKey publicKey, PaillierPrivateKey privateKey, ModArith arith,
      int capacity, int threads, NoiseMode mode) {
    if (capacity < 1 || threads < 0) {
      throw new IllegalArgumentException("noise pool needs capacity >= 1 and threads >= 0");
    }
    if (mode == null) {
      throw new IllegalArgumentException("noise mode is required");
    }
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.arith = arith;
    this.random = new SecureRandom();
    if (mode == NoiseMode.FIXED_BASE) {
      this.fixedBase = privateKey != null ? FixedBaseNoise.forKeyHolder(privateKey, random, arith)
          : FixedBaseNoise.forPublicKey(publicKey, random, arith);
    } else {
      this.fixedBase = null;
    }
    this.ready = new ArrayBlockingQueue<>(capacity);
    if (threads == 0) {
      this.fillers = null;
    } else {
      this.fillers = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "paillier-noise");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
      });
      for (int i = 0; i < threads; i++) {
        fillers.execute(this::fillForever);
      }
    }
  }

  /** A pool for the key holder (classic CRT noise), filled by {@code threads} background threads. */
  public static NoisePool forKeyHolder(PaillierPrivateKey key, ModArith arith, int capacity, int threads) {
    return forKeyHolder(key, arith, capacity, threads, NoiseMode.CLASSIC);
  }

  /**
   * A pool for the key holder with noise of the given mode ({@link NoiseMode#FIXED_BASE} builds its
   * tables mod p² and q² here, once).
   */
  public static NoisePool forKeyHolder(PaillierPrivateKey key, ModArith arith, int capacity, int threads,
      NoiseMode mode) {
    return new NoisePool(key.publicKey(), key, arith, capacity, threads, mode);
  }

  /** A pool for a party holding only the public key (classic noise). */
  public static NoisePool forPublicKey(PaillierPublicKey key, ModArith arith, int capacity, int threads) {
    return forPublicKey(key, arith, capacity, threads, NoiseMode.CLASSIC);
  }

  /** A pool for a party holding only the public key, with noise of the given mode. */
  public static NoisePool forPublicKey(PaillierPublicKey key, ModArith arith, int capacity, int threads,
      NoiseMode mode) {
    return new NoisePool(key, null, arith, capacity, threads, mode);
  }

  /** Fills the pool on the calling thread until it holds {@code count} values (or is full). */
  public void precompute(int count) {
    while (ready.size() < count && ready.remainingCapacity() > 0) {
      if (!ready.offer(compute())) {
        return;
      }
    }
  }

  /** One unused noise value: from the pool if one is ready, else computed now. */
  public BigInteger take() {
    BigInteger v = ready.poll();
    return v != null ? v : compute();
  }

  public int available() {
    return ready.size();
  }

  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  private BigInteger compute() {
    if (fixedBase != null) {
      return fixedBase.next(random);
    }
    return privateKey != null ? privateKey.freshNoise(random, arith) : publicKey.freshNoise(random, arith);
  }

  private void fillForever() {
    try {
      while (!closed.get()) {
        BigInteger v = compute();
        while (!closed.get() && !ready.offer(v, 100, TimeUnit.MILLISECONDS)) {
          // full: wait for consumers
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && fillers != null) {
      fillers.shutdownNow();
    }
  }
}
