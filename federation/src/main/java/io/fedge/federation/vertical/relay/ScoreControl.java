package io.fedge.federation.vertical.relay;

import io.fedge.federation.vertical.LrBatchScorer;
import io.fedge.federation.vertical.SbtBatchScorer;
import io.fedge.federation.vertical.VerticalMessage;
import java.util.List;

/**
 * Messages of a batch-scoring job (docs/vertical.md, "Batch scoring"), carried by the relay like
 * the other vertical messages. Failures are {@link VerticalControl.StageReport}s with stage
 * {@code score}; the end is {@link VerticalControl.JobEnd}. Customer ids travel only in
 * {@link ScoreChunk}, sealed from the guest to a host: the hub never reads them.
 */
public final class ScoreControl {
  private ScoreControl() {}

  /** Largest chunk (rows) a job may ask for. */
  public static final int MAX_CHUNK_ROWS = 65_536;

  static {
    for (Class<?> c : ScoreControl.class.getDeclaredClasses()) {
      if (c.isRecord()) {
        VerticalCodec.register(c.getSimpleName(), c);
      }
    }
    VerticalCodec.register("score.LrPart", LrBatchScorer.Part.class);
    VerticalCodec.register("score.SbtPart", SbtBatchScorer.Part.class);
    VerticalControl.register();
  }

  /** Makes sure the records are registered with the codec. */
  public static void register() {
    // the static initialiser did it
  }

  /**
   * Hub to each party: score the rows of {@code dataset} (aligned by PSI, with the {@code psi_id}
   * column) with this party's share of the model trained by job {@code modelJob}. The guest stores
   * the scores as the derived dataset {@code output} and drives the chunks.
   *
   * @param model the model type of the registry ({@code vertical-lr}; trees plug in by type)
   * @param role {@code guest} or {@code host}
   * @param label the model's label column (the guest copies it to the output when its dataset has it)
   */
  public record ScoreStage(String jobId, String modelJob, String model, String role, String guest, List<String> hosts,
      String dataset, String output, String label, int chunkRows) {}

  /** Guest to a host (sealed): the normalised ids of chunk {@code chunk}, in the guest's row order. */
  public record ScoreChunk(String jobId, int chunk, List<String> ids) implements VerticalMessage {}

  /** Guest to hub: rows scored so far of {@code total}; {@code done} after the last chunk is stored. */
  public record ScoreProgress(String jobId, long scored, long total, int chunks, boolean done) {}
}
