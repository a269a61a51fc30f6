package io.fedge.federation.vertical;

import io.fedge.federation.vertical.relay.ScoreControl;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreChunk;
import java.util.List;
import java.util.Map;

/**
 * A host's side of a batch-scoring job, plain Java: for each chunk of ids from the guest it looks
 * up its own rows of those ids and returns its {@link ChunkPart} to the guest only. An id the host
 * does not hold fails the chunk (the datasets were not aligned together).
 */
public final class BatchScoreHost {
  /** Rows of the host's aligned dataset by id: raw values of the scorer's features; absent ids are left out. */
  public interface Lookup {
    Map<String, double[]> rows(List<String> ids);
  }

  private final String self;
  private final String jobId;
  private final String guest;
  private final String dataset;
  private final BatchScorer scorer;
  private final Lookup lookup;
  private final Outbox outbox;
  private long rows;

  public BatchScoreHost(String self, String jobId, String guest, String dataset, BatchScorer scorer, Lookup lookup,
      Outbox outbox) {
    this.self = self;
    this.jobId = jobId;
    this.guest = guest;
    this.dataset = dataset;
    this.scorer = scorer;
    this.lookup = lookup;
    this.outbox = outbox;
  }

  /** Rows this host has scored. */
  public long rows() {
    return rows;
  }

  public void onChunk(String from, ScoreChunk c) {
    if (!guest.equals(from)) {
      throw new VerticalException("score chunks come only from the guest " + guest + ", not " + from);
    }
    if (c.ids() == null || c.ids().isEmpty() || c.ids().size() > ScoreControl.MAX_CHUNK_ROWS) {
      throw new VerticalException("chunk " + c.chunk() + " must hold 1 to " + ScoreControl.MAX_CHUNK_ROWS + " ids");
    }
    Map<String, double[]> found = lookup.rows(c.ids());
    double[][] x = new double[c.ids().size()][];
    int missing = 0;
    int first = -1;
    for (int k = 0; k < x.length; k++) {
      x[k] = found.get(c.ids().get(k));
      if (x[k] == null) {
        missing++;
        first = first < 0 ? k : first;
      }
    }
    if (missing > 0) {
      throw new VerticalException(missing + " of the " + x.length + " ids of chunk " + c.chunk() + " (first at row "
          + first + " of the chunk) are not in dataset '" + dataset + "' of host " + self
          + "; score a dataset aligned by PSI with every party of the model");
    }
    outbox.send(guest, scorer.hostPart(jobId, c.chunk(), x));
    rows += x.length;
  }
}
