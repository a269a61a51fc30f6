package io.fedge.agent.vertical;

import io.fedge.agent.consent.ConsentException;
import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.JobDataAccess;
import io.fedge.agent.data.Column;
import io.fedge.agent.data.ColumnType;
import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetBatch;
import io.fedge.agent.data.DatasetInfo;
import io.fedge.agent.data.Schema;
import io.fedge.federation.vertical.BatchScoreGuest;
import io.fedge.federation.vertical.BatchScoreHost;
import io.fedge.federation.vertical.BatchScorer;
import io.fedge.federation.vertical.BoostModelShare;
import io.fedge.federation.vertical.ChunkPart;
import io.fedge.federation.vertical.LrBatchScorer;
import io.fedge.federation.vertical.LrModelShare;
import io.fedge.federation.vertical.SbtBatchScorer;
import io.fedge.federation.vertical.VerticalException;
import io.fedge.federation.vertical.relay.ScoreControl;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreChunk;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreProgress;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreStage;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of batch-scoring jobs (docs/vertical.md, "Batch scoring"): the adapter between
 * the relay, the data store and the plain {@link BatchScoreGuest} / {@link BatchScoreHost}. The
 * guest reads its aligned dataset a chunk at a time through the job's {@link JobDataAccess}
 * (consent), sends each host the chunk's ids (sealed), combines the hosts' parts with its own share
 * and appends the scores to the derived dataset {@code output} (committed per chunk), reporting
 * only counts to the hub. A host looks its rows up by id and answers the guest only. Runs on the
 * {@code vertical-job} thread of {@link AgentVertical}.
 */
public final class BatchScoring {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScoring.class);
  /** Source name of a scored dataset in the catalog: {@code score:<jobId>}. */
  public static final String SOURCE_PREFIX = "score:";
  /** Column of the probability of class 1 in a scored dataset. */
  public static final String SCORE = "score";

  static {
    ScoreControl.register();
  }

  /** What the adapter needs of the relay. */
  public interface Relay {
    void send(String jobId, String to, io.fedge.federation.vertical.VerticalMessage message);

    void report(String jobId, Object toHub);

    void announce(String jobId);

    void forget(String jobId);
  }

  private final String self;
  private final Supplier<ConsentGuard> consent;
  private final Supplier<DataStore> store;
  private final Path sharesDir;
  private final Clock clock;
  private final Relay relay;
  private final Map<String, Object> jobs = new ConcurrentHashMap<>(); // guest or host state

  public BatchScoring(String self, Supplier<ConsentGuard> consent, Supplier<DataStore> store, Path sharesDir,
      Clock clock, Relay relay) {
    this.self = self;
    this.consent = consent;
    this.store = store;
    this.sharesDir = sharesDir;
    this.clock = clock;
    this.relay = relay;
  }

  /** Whether {@code message} of {@code jobId} is a batch-scoring one (this class takes it then). */
  public boolean handles(String jobId, Object message) {
    return message instanceof ScoreStage || jobs.containsKey(jobId);
  }

  /** One whole message of a batch-scoring job; failures go to the hub as a {@code score} stage report. */
  public void onMessage(String jobId, String from, Object m) {
    try {
      if (m instanceof ScoreStage s) {
        requireHub(from);
        start(s);
      } else if (m instanceof ScoreChunk c && jobs.get(jobId) instanceof BatchScoreHost h) {
        h.onChunk(from, c);
      } else if (m instanceof ChunkPart p && jobs.get(jobId) instanceof BatchScoreGuest g) {
        g.onPart(from, p);
      } else if (m instanceof JobEnd e) {
        requireHub(from);
        LOG.info("batch-scoring job {} ended: {} {}", jobId, e.status(), e.reason() == null ? "" : e.reason());
        jobs.remove(jobId);
        relay.forget(jobId);
      } else if (!(m instanceof io.fedge.federation.vertical.relay.KeyAnnouncement)) {
        throw new IllegalStateException("batch-scoring job " + jobId + " takes no " + m.getClass().getSimpleName()
            + " from " + from + " here");
      }
    } catch (RuntimeException e) {
      LOG.warn("batch-scoring job {} failed: {}", jobId, e.getMessage());
      String msg = e instanceof VerticalException || e instanceof ConsentException || e instanceof DataException
          || e instanceof IllegalStateException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      relay.report(jobId, new StageReport(jobId, "score", false, msg, 0, Map.of(), null));
    }
  }

  private static void requireHub(String from) {
    if (!VerticalPacket.HUB.equals(from)) {
      throw new IllegalStateException("stage messages come only from the hub, not " + from);
    }
  }

  private void start(ScoreStage s) {
    if (jobs.containsKey(s.jobId())) {
      return; // a repeated stage message
    }
    if (s.chunkRows() < 1 || s.chunkRows() > ScoreControl.MAX_CHUNK_ROWS) {
      throw new IllegalStateException("chunk rows must be 1 to " + ScoreControl.MAX_CHUNK_ROWS);
    }
    BatchScorer scorer = scorer(s.model(), s.modelJob());
    DatasetInfo data = store.get().dataset(s.dataset()).orElseThrow(() -> new DataException("party " + self
        + " has no dataset '" + s.dataset() + "' to score; align one with the model's parties by PSI first"));
    JobDataAccess access = consent.get().access(s.jobId());
    List<String> features = scorer.features();
    if ("guest".equals(s.role())) {
      jobs.put(s.jobId(), guest(s, scorer, data, access));
    } else {
      access.check(s.dataset(), withId(features));
      jobs.put(s.jobId(), new BatchScoreHost(self, s.jobId(), s.guest(), s.dataset(), scorer,
          ids -> numeric(access.lookup(s.dataset(), AgentVertical.ALIGNED_ID, features, ids), features),
          (to, msg) -> relay.send(s.jobId(), to, msg)));
    }
    relay.announce(s.jobId());
    LOG.info("batch-scoring job {}: {} of model job {} over {} ({} rows)", s.jobId(), s.role(), s.modelJob(),
        s.dataset(), data.rowCount());
    if (jobs.get(s.jobId()) instanceof BatchScoreGuest g) {
      relay.report(s.jobId(), new ScoreProgress(s.jobId(), 0, data.rowCount(), 0, false));
      g.start();
    }
  }

  private BatchScoreGuest guest(ScoreStage s, BatchScorer scorer, DatasetInfo data, JobDataAccess access) {
    if (store.get().dataset(s.output()).isPresent()) {
      throw new DataException("a dataset named '" + s.output() + "' exists already; name another output dataset");
    }
    List<String> features = scorer.features();
    boolean withLabel = s.label() != null && data.schema().indexOf(s.label()) >= 0
        && !features.contains(s.label());
    List<String> read = withId(features);
    if (withLabel) {
      read.add(s.label());
    }
    access.check(s.dataset(), read);
    List<Column> out = new ArrayList<>();
    out.add(new Column(AgentVertical.ALIGNED_ID, ColumnType.STRING));
    out.add(new Column(SCORE, ColumnType.FLOAT));
    if (withLabel) {
      out.add(data.schema().column(data.schema().indexOf(s.label())));
    }
    Schema schema = new Schema(out);
    String source = SOURCE_PREFIX + s.jobId();
    long total = data.rowCount();
    long[] cursor = {0};
    int f = features.size();
    BatchScoreGuest.Rows rows = max -> {
      DataStore.Page page = access.readPage(s.dataset(), read, cursor[0], max);
      cursor[0] = page.lastRow();
      List<String> ids = new ArrayList<>(page.rows().size());
      double[][] x = new double[page.rows().size()][];
      Object[] carried = new Object[x.length];
      for (int k = 0; k < x.length; k++) {
        Object[] r = page.rows().get(k);
        ids.add((String) r[0]);
        x[k] = new double[f];
        for (int j = 0; j < f; j++) {
          x[k][j] = Cells.number(r[1 + j], features.get(j));
        }
        carried[k] = withLabel ? r[1 + f] : null;
      }
      return new BatchScoreGuest.Chunk(ids, x, carried);
    };
    BatchScoreGuest.Sink sink = new BatchScoreGuest.Sink() {
      long stored;

      @Override
      public void scored(int chunk, BatchScoreGuest.Chunk c, double[] p) {
        DatasetBatch batch = new DatasetBatch(s.output(), source, schema, List.of(AgentVertical.ALIGNED_ID));
        for (int k = 0; k < p.length; k++) {
          Object[] v = new Object[schema.size()];
          v[0] = c.ids().get(k);
          v[1] = p[k];
          if (withLabel) {
            v[2] = c.carried()[k];
          }
          batch.add(v, source, stored + k + 1);
        }
        stored += p.length;
        batch.commit(store.get(), source, "scored " + stored + " rows", clock.instant());
        relay.report(s.jobId(), new ScoreProgress(s.jobId(), stored, Math.max(total, stored), chunk + 1, false));
      }

      @Override
      public void finished(long n, int chunks) {
        if (n == 0) { // an empty dataset: the output exists, empty, all the same
          new DatasetBatch(s.output(), source, schema, List.of(AgentVertical.ALIGNED_ID))
              .commit(store.get(), source, "scored 0 rows", clock.instant());
        }
        LOG.info("batch-scoring job {}: {} rows scored in {} chunks into dataset {}", s.jobId(), n, chunks, s.output());
        relay.report(s.jobId(), new ScoreProgress(s.jobId(), n, n, chunks, true));
      }
    };
    return new BatchScoreGuest(s.jobId(), s.hosts(), scorer, rows, s.chunkRows(),
        (to, msg) -> relay.send(s.jobId(), to, msg), sink);
  }

  /**
   * This party's share of the model trained by {@code modelJob}, as a scorer; one case per model
   * type (trees add theirs).
   */
  BatchScorer scorer(String model, String modelJob) {
    if ("vertical-lr".equals(model)) {
      Path f = sharesDir.resolve(modelJob + ".lr-share.json");
      if (!Files.isRegularFile(f)) {
        throw new IllegalStateException("party " + self + " holds no share of the model of job " + modelJob);
      }
      try {
        LrModelShare share = WireCodec.mapper().readValue(f.toFile(), LrModelShare.class);
        if (!self.equals(share.party())) {
          throw new IllegalStateException("the share of job " + modelJob + " here belongs to " + share.party());
        }
        return new LrBatchScorer(share);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the model share of job " + modelJob + ": " + e.getMessage());
      }
    }
    if ("vertical-sbt".equals(model)) {
      Path f = sharesDir.resolve(modelJob + ".sbt-share.json");
      if (!Files.isRegularFile(f)) {
        throw new IllegalStateException("party " + self + " holds no share of the model of job " + modelJob);
      }
      try {
        return new SbtBatchScorer(WireCodec.mapper().readValue(f.toFile(), BoostModelShare.class));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the model share of job " + modelJob + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("this agent cannot batch-score models of type '" + model + "'");
  }

  /** The dataset holding the scores of batch-scoring job {@code jobId} (at its guest), if any. */
  public static Optional<DatasetInfo> output(DataStore store, String jobId) {
    String source = SOURCE_PREFIX + jobId;
    return store.datasets().stream().filter(d -> source.equals(d.source())).findFirst();
  }

  private static List<String> withId(List<String> features) {
    List<String> cols = new ArrayList<>();
    cols.add(AgentVertical.ALIGNED_ID);
    cols.addAll(features);
    return cols;
  }

  private static Map<String, double[]> numeric(Map<String, Object[]> rows, List<String> features) {
    Map<String, double[]> out = new HashMap<>();
    for (Map.Entry<String, Object[]> e : rows.entrySet()) {
      double[] x = new double[features.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = Cells.number(e.getValue()[j], features.get(j));
      }
      out.put(e.getKey(), x);
    }
    return out;
  }

}
