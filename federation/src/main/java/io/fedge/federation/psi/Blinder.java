package io.fedge.federation.psi;

import io.fedge.federation.psi.ristretto.HashToGroup;
import io.fedge.federation.psi.ristretto.InvalidEncodingException;
import io.fedge.federation.psi.ristretto.RistrettoPoint;
import io.fedge.federation.psi.ristretto.Scalar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The per-element work of PSI on packed batches, split over a fixed pool of threads: hash ids to
 * the group and blind them, and blind (or unblind) received points after validating them.
 */
final class Blinder implements AutoCloseable {
  /** Prefix of the hash-to-group domain separation tag; the context (job or filter id) follows. */
  static final String DST_PREFIX = "FEDGE-PSI-V1-" + PsiParty.SUITE;

  private final ExecutorService pool;
  private final int parallelism;
  private final ThreadLocal<HashToGroup> hasher;

  Blinder(String context, int parallelism) {
    byte[] dst = (DST_PREFIX + context).getBytes(StandardCharsets.UTF_8);
    if (dst.length > 255) {
      throw new IllegalArgumentException("PSI context '" + context + "' is too long for a hash domain tag");
    }
    this.hasher = ThreadLocal.withInitial(() -> new HashToGroup(dst));
    this.parallelism = parallelism;
    this.pool = parallelism > 1 ? Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "psi-blinder");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  /** H(ids[order[i]]) * k for i in [from, to), packed. */
  byte[] hashAndBlind(byte[][] ids, int[] order, int from, int to, Scalar k) {
    byte[] out = new byte[(to - from) * 32];
    forEach(to - from, i -> hasher.get().hash(ids[order[from + i]]).multiply(k).encodeInto(out, i * 32));
    return out;
  }

  /** H(id) (unblinded), for tests that check no message carries it. */
  RistrettoPoint hash(byte[] id) {
    return hasher.get().hash(id);
  }

  /**
   * decode(points[i]) * k for every packed point.
   *
   * @throws PsiException MALFORMED_POINT naming the first invalid position
   */
  byte[] blind(byte[] points, Scalar k, String what) {
    byte[] out = new byte[points.length];
    forEach(points.length / 32, i -> decode(points, i, what).multiply(k).encodeInto(out, i * 32));
    return out;
  }

  /** Checks every packed point is a valid non-identity encoding. */
  void validate(byte[] points, String what) {
    forEach(points.length / 32, i -> decode(points, i, what));
  }

  private static RistrettoPoint decode(byte[] points, int i, String what) {
    try {
      RistrettoPoint p = RistrettoPoint.decode(points, i * 32);
      boolean identity = true;
      for (int j = 0; j < 32; j++) {
        identity &= points[i * 32 + j] == 0;
      }
      if (identity) {
        throw new InvalidEncodingException("the identity element is never a blinded id");
      }
      return p;
    } catch (InvalidEncodingException e) {
      throw new PsiException(PsiException.Code.MALFORMED_POINT,
          "point " + i + " of " + what + " is not a valid ristretto255 element (" + e.getMessage()
              + "): the peer is broken or the message was corrupted; the run stops");
    }
  }

  /** Runs body(i) for i in [0, n), split into contiguous chunks over the pool. */
  void forEach(int n, IntConsumer body) {
    if (pool == null || n < 64) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    int chunks = parallelism;
    List<Future<?>> futures = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      futures.add(pool.submit(() -> {
        for (int i = from; i < to; i++) {
          body.accept(i);
        }
      }));
    }
    RuntimeException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while blinding", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
