package io.fedge.federation.vertical;

import java.util.List;
import java.util.Map;

/**
 * One party's share of a trained split model as batch scoring uses it, whatever the model type: a
 * host turns rows of its own columns into a {@link ChunkPart} for the guest; the guest combines its
 * own rows with every host's part into probabilities. Rows are raw values of {@link #features()},
 * in that order; the k-th row of a part is the k-th id of the chunk.
 */
public interface BatchScorer {
  /** The columns this party's share reads, in row order. */
  List<String> features();

  /** Host: its part of chunk {@code chunk} for {@code rows} (raw values of {@link #features()}). */
  ChunkPart hostPart(String jobId, int chunk, double[][] rows);

  /**
   * Guest: probabilities of class 1 for {@code rows}, given one part from each host.
   *
   * @throws VerticalException if a part does not fit the rows (wrong type or length)
   */
  double[] combine(double[][] rows, Map<String, ChunkPart> parts);
}
