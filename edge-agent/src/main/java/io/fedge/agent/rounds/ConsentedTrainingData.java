package io.fedge.agent.rounds;

import io.fedge.agent.consent.ConsentException;
import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.JobDataAccess;
import io.fedge.agent.consent.NumericTable;
import io.fedge.federation.model.Table;
import io.fedge.federation.rounds.DatasetRead;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.TableLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A round's training rows, read from the ingested datasets through the {@link ConsentGuard}: the
 * job's label column becomes {@code y}, its features (the invite's {@code featureList}, in that
 * order) become {@code x}. Nothing is read unless the dealer (or a standing policy of the dealer)
 * approved the job for exactly these columns: {@link #admit} checks that before a round starts,
 * and the guard checks it again at the read.
 */
public final class ConsentedTrainingData implements TableLearner.Data {
  /** Largest dataset read in one piece for a round (the table lives in memory while training). */
  static final int MAX_ROWS = 5_000_000;

  private final Supplier<ConsentGuard> guard;

  public ConsentedTrainingData(Supplier<ConsentGuard> guard) {
    this.guard = guard;
  }

  /**
   * The dataset and columns (label first, then features) the invite would read.
   *
   * @throws ConsentException when the job is not approved here, or asks for a column beyond its approval
   */
  public DatasetRead admit(RoundInvite invite) {
    ConsentGuard g = guard.get();
    if (g == null) {
      throw new ConsentException("job " + invite.jobId() + ": this agent's consent store is not open yet");
    }
    DatasetRead read = columns(invite);
    g.access(invite.jobId()).check(read.dataset(), read.columns());
    return read;
  }

  @Override
  public Table load(RoundInvite invite) {
    DatasetRead read = admit(invite);
    JobDataAccess access = guard.get().access(invite.jobId());
    NumericTable t = access.readNumeric(read.dataset(), read.columns(), MAX_ROWS);
    int w = read.columns().size();
    int d = w - 1;
    double[] x = new double[t.rows() * d];
    double[] y = new double[t.rows()];
    int kept = 0;
    for (int i = 0; i < t.rows(); i++) {
      boolean missing = false;
      for (int j = 0; j < w && !missing; j++) {
        missing = Double.isNaN(t.get(i, j));
      }
      if (missing) {
        continue; // a row with a missing label or feature cannot be trained on
      }
      y[kept] = t.get(i, 0);
      for (int j = 1; j < w; j++) {
        x[kept * d + j - 1] = t.get(i, j);
      }
      kept++;
    }
    if (kept == 0) {
      throw new IllegalStateException("dataset '" + read.dataset() + "' has no complete rows for job " + invite.jobId());
    }
    if (kept < t.rows()) {
      x = java.util.Arrays.copyOf(x, kept * d);
      y = java.util.Arrays.copyOf(y, kept);
    }
    return new Table(kept, d, x, y, read.columns().subList(1, w));
  }

  /** Label then features, all from the one dataset of the job's reads that holds the label. */
  static DatasetRead columns(RoundInvite invite) {
    String label = invite.label();
    if (label == null || label.isBlank()) {
      throw new ConsentException("job " + invite.jobId() + " names no label column");
    }
    List<String> features = new ArrayList<>();
    invite.hyper().path("featureList").forEach(n -> features.add(n.asText()));
    if (features.isEmpty()) {
      throw new ConsentException("job " + invite.jobId() + " names no feature columns");
    }
    DatasetRead holder = invite.reads().stream().filter(r -> r.columns().contains(label)).findFirst()
        .orElseThrow(() -> new ConsentException("job " + invite.jobId() + " reads its label '" + label
            + "' from no dataset it declared"));
    List<String> cols = new ArrayList<>();
    cols.add(label);
    for (String f : features) {
      if (f.equals(label) || cols.contains(f)) {
        throw new ConsentException("job " + invite.jobId() + " lists column '" + f + "' twice");
      }
      cols.add(f);
    }
    return new DatasetRead(holder.dataset(), cols);
  }
}
