package io.fedge.federation.psi;

/**
 * Tuning and limits of one party.
 *
 * @param batchSize points per {@link PsiMessages.BlindedBatch} (1..65,536); 4,096 points are 128 KiB
 * @param window batches a party keeps in flight before waiting for the peer (1..64); bounds the
 *     memory held in messages to {@code window * batchSize * 32} bytes per peer and direction
 * @param maxSetSize largest set accepted, own or a peer's (oversized sets are refused up front)
 * @param parallelism threads used to blind one batch (1 = the calling thread only)
 */
public record PsiSettings(int batchSize, int window, int maxSetSize, int parallelism) {
  public static final int MAX_BATCH = 65_536;
  /** Largest set a party can hold: 32 bytes per point must fit one array. */
  public static final int MAX_SET = 60_000_000;

  public PsiSettings {
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw new IllegalArgumentException("psi batchSize must be 1.." + MAX_BATCH + ", got " + batchSize);
    }
    if (window < 1 || window > 64) {
      throw new IllegalArgumentException("psi window must be 1..64, got " + window);
    }
    if (maxSetSize < 1 || maxSetSize > MAX_SET) {
      throw new IllegalArgumentException("psi maxSetSize must be 1.." + MAX_SET + ", got " + maxSetSize);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("psi parallelism must be positive, got " + parallelism);
    }
  }

  /** 4,096 points per batch, 4 in flight, at most 10,000,000 ids, all available cores. */
  public static PsiSettings defaults() {
    return new PsiSettings(4096, 4, 10_000_000, Runtime.getRuntime().availableProcessors());
  }

  public PsiSettings withParallelism(int p) {
    return new PsiSettings(batchSize, window, maxSetSize, p);
  }

  public PsiSettings withMaxSetSize(int max) {
    return new PsiSettings(batchSize, window, max, parallelism);
  }

  public PsiSettings withBatchSize(int size) {
    return new PsiSettings(size, window, maxSetSize, parallelism);
  }
}
