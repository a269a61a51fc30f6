package io.fedge.agent.vertical;

import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.JobDataAccess;
import io.fedge.agent.data.Column;
import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetBatch;
import io.fedge.agent.data.DatasetInfo;
import io.fedge.agent.data.Schema;
import io.fedge.agent.messaging.DownstreamHandlers;
import io.fedge.agent.messaging.Uplink;
import io.fedge.agent.data.ColumnType;
import io.fedge.federation.psi.IdNormalizer;
import io.fedge.federation.psi.PsiException;
import io.fedge.federation.psi.PsiGuest;
import io.fedge.federation.psi.PsiHost;
import io.fedge.federation.psi.PsiMessage;
import io.fedge.federation.psi.PsiMode;
import io.fedge.federation.psi.PsiParty;
import io.fedge.federation.psi.PsiResult;
import io.fedge.federation.psi.PsiSettings;
import io.fedge.federation.vertical.GuestTable;
import io.fedge.federation.vertical.LrGuest;
import io.fedge.federation.vertical.LrHost;
import io.fedge.federation.vertical.LrModelShare;
import io.fedge.federation.vertical.LrParty;
import io.fedge.federation.vertical.Objective;
import io.fedge.federation.vertical.PartyTable;
import io.fedge.federation.vertical.VerticalMessage;
import io.fedge.federation.vertical.relay.KeyAnnouncement;
import io.fedge.federation.vertical.relay.TestSplit;
import io.fedge.federation.vertical.relay.VerticalControl;
import io.fedge.federation.vertical.relay.VerticalControl.EvaluateTest;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.LrStage;
import io.fedge.federation.vertical.relay.VerticalControl.PsiStage;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalControl.TestScores;
import io.fedge.federation.vertical.relay.VerticalLink;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.DeviceCredentials;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of vertical jobs (PSI, vertical LR) over the hub relay. The MQTT handler is
 * thin: it hands packets to the {@link VerticalLink}, whose whole messages run one at a time on the
 * {@code vertical-job} thread through the plain protocol classes ({@link PsiGuest}, {@link
 * PsiHost}, {@link LrGuest}, {@link LrHost}). Data is read only through the job's
 * {@link JobDataAccess} (consent); the PSI result is stored as a derived dataset in the agent's
 * data store, so it shows in the catalog and later jobs can name it instead of running PSI again.
 */
public final class AgentVertical implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVertical.class);
  /** Column of a derived (aligned) dataset holding the normalised id. */
  public static final String ALIGNED_ID = "psi_id";
  private static final int MAX_ROWS = 5_000_000;

  static {
    VerticalControl.register();
  }

  private final Uplink uplink;
  private final Supplier<DeviceCredentials> credentials;
  private final Supplier<ConsentGuard> consent;
  private final Supplier<DataStore> store;
  private final Clock clock;
  private final java.nio.file.Path sharesDir;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vertical-job");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final KeptShares kept;
  private final FilterParties filters;
  private volatile VerticalLink link;
  private BatchScoring batch;

  private static final class Job {
    final String id;
    PsiStage psiStage;
    PsiParty psi;
    List<Object[]> psiRows;
    boolean psiReported;
    LrStage lrStage;
    LrParty lr;
    boolean lrReported;
    PartyTable full;
    double[] labels;
    List<Integer> testRows = new ArrayList<>();
    final Map<String, double[]> testScores = new HashMap<>();
    double[] ownTest;
    TreeJob trees;
    io.fedge.federation.vertical.BoostScoringParty treeSession; // a scoring session of a kept tree share

    Job(String id) {
      this.id = id;
    }
  }

  public AgentVertical(Uplink uplink, Supplier<DeviceCredentials> credentials, Supplier<ConsentGuard> consent,
      Supplier<DataStore> store, java.nio.file.Path sharesDir, Clock clock) {
    this.sharesDir = sharesDir;
    this.uplink = uplink;
    this.credentials = credentials;
    this.consent = consent;
    this.store = store;
    this.clock = clock;
    this.kept = new KeptShares(sharesDir, consent);
    this.filters = new FilterParties(sharesDir.resolve("filters"));
  }

  /** Registers the {@code vertical} kind. */
  public void register(DownstreamHandlers downstream) {
    downstream.register(Kinds.VERTICAL, e -> link().onPacket(WireCodec.body(e, VerticalPacket.class)));
  }

  private VerticalLink link() {
    VerticalLink l = link;
    if (l == null) {
      synchronized (this) {
        if (link == null) {
          DeviceCredentials c = credentials.get();
          link = new VerticalLink(uplink.deviceId(), c.privateKey(), new RootPeerCertificates(c.root()),
              p -> uplink.send(Kinds.VERTICAL, p), (job, from, m) -> worker.execute(() -> dispatch(job, from, m)),
              new SecureRandom(), 256L << 20);
        }
        l = link;
      }
    }
    return l;
  }

  private void dispatch(String jobId, String from, Object m) {
    if (batch().handles(jobId, m)) {
      batch().onMessage(jobId, from, m);
      return;
    }
    Job job = jobs.computeIfAbsent(jobId, Job::new);
    String stage = "psi";
    try {
      if (m instanceof KeyAnnouncement) {
        return; // the link keeps the key
      }
      if (m instanceof PsiStage s) {
        requireHub(from);
        startPsi(job, s);
      } else if (m instanceof PsiMessage p) {
        if (!p.from().equals(from)) {
          throw new IllegalStateException("PSI message names " + p.from() + " but came from " + from);
        }
        if (job.psi == null) {
          throw new IllegalStateException("PSI message for job " + jobId + " before its PSI stage");
        }
        if (p instanceof io.fedge.federation.psi.PsiMessages.FilterPublication fp
            && job.psi instanceof FilterParties.ClientSlot slot) {
          slot.accept(fp);
        } else {
          job.psi.onMessage(p);
        }
        maybeFinishPsi(job);
      } else if (m instanceof VerticalControl.ScoringSession s) {
        stage = "score";
        requireHub(from);
        if (kept.keptTrees(s.modelJob())) {
          job.treeSession = kept.openTrees(uplink.deviceId(), s, (to, msg) -> link().send(jobId, to, msg));
        } else {
          job.lr = kept.open(uplink.deviceId(), s, (to, msg) -> link().send(jobId, to, msg));
          job.lrReported = true;
        }
        link().announce(jobId, credentials.get().chain());
        LOG.info("vertical job {}: scoring session {} with the kept share", s.modelJob(), jobId);
      } else if (m instanceof LrStage s) {
        stage = "lr";
        requireHub(from);
        startLr(job, s);
      } else if (TreeJob.handles(m)) {
        stage = TreeJob.stageOf(m);
        onTrees(job, from, m);
      } else if (m instanceof VerticalMessage v) {
        stage = v instanceof io.fedge.federation.vertical.LrMessages.ScoreRequest
            || v instanceof io.fedge.federation.vertical.LrMessages.PartialScores && job.lr != null && job.lr.trained()
            ? "score" : "lr";
        if (job.lr == null) {
          throw new IllegalStateException("LR message for job " + jobId + " before its LR stage");
        }
        job.lr.receive(from, v);
        if (job.lr.trained() && !job.lrReported) {
          job.lrReported = true;
          keepShare(job);
          report(job, new StageReport(jobId, "lr", true, null, job.full.rowCount(), Map.of(), shareDigest(job.lr.modelShare())));
        }
      } else if (m instanceof EvaluateTest) {
        stage = "test";
        requireHub(from);
        if (job.trees != null) {
          job.trees.evaluate();
        } else {
          evaluate(job);
        }
      } else if (m instanceof TestScores t) {
        stage = "test";
        if (job.lrStage == null || !job.lrStage.hosts().contains(from)) {
          throw new IllegalStateException("test scores from " + from + ", who is not a host of job " + jobId);
        }
        job.testScores.put(from, t.scores());
        maybeFinishTest(job);
      } else if (m instanceof JobEnd e) {
        requireHub(from);
        LOG.info("vertical job {} ended: {} {}", jobId, e.status(), e.reason() == null ? "" : e.reason());
        jobs.remove(jobId);
        link().forget(jobId);
        if (!e.jobId().equals(jobId)) { // sent on a fresh stream after a hub restart
          jobs.remove(e.jobId());
          link().forget(e.jobId());
        }
      } else {
        LOG.warn("vertical job {}: ignored a {} from {}", jobId, m.getClass().getSimpleName(), from);
      }
    } catch (RuntimeException e) {
      LOG.warn("vertical job {} stage {} failed: {}", jobId, stage, e.getMessage());
      String msg = e instanceof PsiException || e instanceof io.fedge.federation.vertical.VerticalException
          || e instanceof io.fedge.agent.consent.ConsentException || e instanceof DataException
          || e instanceof IllegalStateException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      report(job, new StageReport(jobId, stage, false, msg, 0, Map.of(), null));
    }
  }

  /** Batch-scoring jobs (their own class); made on first use, on the vertical-job thread. */
  private BatchScoring batch() {
    BatchScoring b = batch;
    if (b == null) {
      b = new BatchScoring(uplink.deviceId(), consent, store, sharesDir, clock, new BatchScoring.Relay() {
        @Override
        public void send(String jobId, String to, VerticalMessage message) {
          link().send(jobId, to, message);
        }

        @Override
        public void report(String jobId, Object toHub) {
          link().send(jobId, VerticalPacket.HUB, toHub);
        }

        @Override
        public void announce(String jobId) {
          link().announce(jobId, credentials.get().chain());
        }

        @Override
        public void forget(String jobId) {
          link().forget(jobId);
        }
      });
      batch = b;
    }
    return b;
  }

  private static void requireHub(String from) {
    if (!VerticalPacket.HUB.equals(from)) {
      throw new IllegalStateException("stage messages come only from the hub, not " + from);
    }
  }

  private void report(Job job, StageReport r) {
    link().send(job.id, VerticalPacket.HUB, r);
  }

  // ---------------------------------------------------------------- PSI

  private void startPsi(Job job, PsiStage s) {
    if (job.psi != null) {
      return; // a repeated stage message
    }
    if (store.get().dataset(s.aligned()).isPresent()) {
      throw new DataException("a dataset named '" + s.aligned() + "' exists already; name another aligned dataset");
    }
    JobDataAccess access = consent.get().access(job.id);
    List<String> cols = new ArrayList<>();
    cols.add(s.idColumn());
    s.columns().stream().filter(c -> !c.equals(s.idColumn())).forEach(cols::add);
    List<Object[]> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    access.readRows(s.dataset(), cols, values -> {
      if (rows.size() >= MAX_ROWS) {
        throw new DataException("dataset " + s.dataset() + " has more than " + MAX_ROWS + " rows for PSI");
      }
      rows.add(values.clone());
      ids.add(idText(values[0]));
      return true;
    });
    job.psiStage = s;
    job.psiRows = rows;
    String self = uplink.deviceId();
    link().announce(job.id, credentials.get().chain());
    PsiMode mode = PsiMode.valueOf(s.mode());
    IdNormalizer normalizer = IdNormalizer.of(s.normalization());
    PsiSettings settings = PsiSettings.defaults().withBatchSize(1024);
    io.fedge.federation.psi.PsiTransport t = msg -> link().send(job.id, msg.to(), msg);
    job.psi = mode == PsiMode.UNBALANCED ? filters.party(self, s, normalizer, ids, settings, t, this::psiProgress)
        : "guest".equals(s.role())
        ? new PsiGuest(self, s.hosts(), job.id, mode, normalizer, ids, settings, t, this::psiProgress, new SecureRandom())
        : new PsiHost(self, s.guest(), job.id, mode, normalizer, ids, settings, t, this::psiProgress, new SecureRandom());
    LOG.info("vertical job {}: PSI as {} over {} ids of {}", job.id, s.role(), ids.size(), s.dataset());
    job.psi.start();
    if (job.psi instanceof io.fedge.federation.psi.FilterServer fs) { // the large party learns nothing: done
      job.psiReported = true;
      report(job, new StageReport(job.id, "psi", true, null, 0, FilterParties.serverMetrics(fs, ids.size()), null));
    }
  }

  private void psiProgress(String party, String peer, io.fedge.federation.psi.PsiProgress.Phase phase, long done,
      long total) {
    if (done == total) {
      LOG.info("PSI {} with {}: {} {}/{}", party, peer, phase, done, total);
    }
  }

  private static String idText(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return v.toString();
  }

  private void maybeFinishPsi(Job job) {
    if (job.psiReported || !job.psi.isFinished()) {
      return;
    }
    job.psiReported = true;
    PsiResult r = job.psi instanceof PsiGuest g ? g.result()
        : job.psi instanceof FilterParties.ClientSlot c ? c.result() : ((PsiHost) job.psi).result();
    if (r == null) { // a host in GUEST_LEARNS mode learns nothing
      report(job, new StageReport(job.id, "psi", true, "host learns nothing in GUEST_LEARNS", 0, Map.of(), null));
      return;
    }
    PsiStage s = job.psiStage;
    DatasetInfo source = store.get().dataset(s.dataset()).orElseThrow();
    List<Column> columns = new ArrayList<>();
    columns.add(new Column(ALIGNED_ID, ColumnType.STRING));
    List<String> kept = new ArrayList<>();
    kept.add(s.idColumn());
    s.columns().stream().filter(c -> !c.equals(s.idColumn())).forEach(kept::add);
    for (int i = 1; i < kept.size(); i++) {
      columns.add(source.schema().column(source.schema().indexOf(kept.get(i))));
    }
    DatasetBatch batch = new DatasetBatch(s.aligned(), "psi:" + job.id, new Schema(columns), List.of(ALIGNED_ID));
    for (int k = 0; k < r.size(); k++) {
      Object[] src = job.psiRows.get(r.rows()[k]);
      Object[] out = new Object[columns.size()];
      out[0] = r.normalizedIds().get(k);
      System.arraycopy(src, 1, out, 1, columns.size() - 1);
      batch.add(out, "psi:" + job.id, k + 1);
    }
    batch.commit(store.get(), "psi:" + job.id, "aligned " + r.size() + " rows", clock.instant());
    job.psiRows = null;
    LOG.info("vertical job {}: PSI found {} common ids; stored as dataset {}", job.id, r.size(), s.aligned());
    report(job, new StageReport(job.id, "psi", true, null, r.size(),
        job.psi instanceof FilterParties.ClientSlot c ? c.metrics() : Map.of(), null));
  }

  // ---------------------------------------------------------------- trees

  private void onTrees(Job job, String from, Object m) {
    if (job.treeSession != null && m instanceof VerticalMessage v) {
      job.treeSession.receive(from, v);
      return;
    }
    if (job.trees == null) {
      job.trees = new TreeJob(job.id, uplink.deviceId(), new TreeJob.Channel() {
        @Override
        public void send(String to, Object message) {
          link().send(job.id, to, message);
        }

        @Override
        public void report(StageReport r) {
          AgentVertical.this.report(job, r);
        }
      }, sharesDir);
    }
    if (m instanceof io.fedge.federation.vertical.relay.VerticalControl.TreeStage s) {
      requireHub(from);
      if (!job.trees.started()) {
        link().announce(job.id, credentials.get().chain());
        job.trees.start(s, consent.get().access(job.id));
      }
    } else {
      job.trees.receive(from, (VerticalMessage) m);
    }
  }

  // ---------------------------------------------------------------- LR

  private void startLr(Job job, LrStage s) {
    if (job.lr != null) {
      return;
    }
    boolean guest = "guest".equals(s.role());
    AlignedRows rows = AlignedRows.read(consent.get().access(job.id), s.aligned(), s.features(),
        guest ? s.label() : null);
    List<String> ids = rows.table().ids();
    List<Integer> train = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      (TestSplit.isTest(s.seed(), ids.get(i), s.testFraction()) ? job.testRows : train).add(i);
    }
    job.full = rows.table();
    PartyTable trainTable = rows.subset(train);
    job.lrStage = s;
    link().announce(job.id, credentials.get().chain());
    io.fedge.federation.vertical.Outbox out = (to, msg) -> link().send(job.id, to, msg);
    String self = uplink.deviceId();
    if (guest) {
      job.labels = rows.labels();
      double[] trainLabels = rows.labelsAt(train);
      job.lr = new LrGuest(self, VerticalPacket.HUB, new GuestTable(trainTable, trainLabels), out);
    } else {
      job.lr = new LrHost(self, VerticalPacket.HUB, trainTable, out);
    }
    job.lr.useScoringTable(job.full);
    LOG.info("vertical job {}: LR as {} on {} rows ({} train, {} test) of {}", job.id, s.role(), ids.size(),
        train.size(), job.testRows.size(), s.aligned());
  }


  private void evaluate(Job job) {
    if (job.lr == null || !job.lr.trained()) {
      throw new IllegalStateException("cannot evaluate job " + job.id + " before training finished");
    }
    LrModelShare share = job.lr.modelShare();
    int n = job.testRows.size();
    double[] partial = new double[n * share.models()]; // class-major for multiclass
    for (int m = 0; m < share.models(); m++) {
      for (int k = 0; k < n; k++) {
        partial[m * n + k] = share.partialScore(job.full.row(job.testRows.get(k)), m);
      }
    }
    if ("guest".equals(job.lrStage.role())) {
      job.ownTest = partial;
      maybeFinishTest(job);
    } else {
      link().send(job.id, job.lrStage.guest(), new TestScores(job.id, partial));
    }
  }

  private void maybeFinishTest(Job job) {
    if (job.ownTest == null || job.testScores.size() < job.lrStage.hosts().size()) {
      return;
    }
    double[] z = job.ownTest.clone();
    for (double[] h : job.testScores.values()) {
      if (h.length != z.length) {
        throw new IllegalStateException("a host scored " + h.length + " test rows, the guest " + z.length);
      }
      for (int k = 0; k < z.length; k++) {
        z[k] += h[k];
      }
    }
    Objective objective = job.lr.objective();
    double[] y = new double[job.testRows.size()];
    for (int k = 0; k < y.length; k++) {
      y[k] = job.labels[job.testRows.get(k)];
    }
    Map<String, Double> metrics = objective.testMetrics(objective.predict(z), y);
    job.ownTest = null;
    LOG.info("vertical job {}: {} test metrics {} on {} rows", job.id, objective, metrics, y.length);
    report(job, new StageReport(job.id, "test", true, null, y.length, metrics, null));
  }

  /**
   * Keeps this party's share of the split model (its columns, standardisation and weights) as
   * {@code <sharesDir>/<jobId>.lr-share.json}, owner-only: the model stays split, each party keeps
   * its own share (the registry on the hub records the share's digest).
   */
  private void keepShare(Job job) {
    kept.keep(job.id, job.lr.modelShare());
  }

  /** SHA-256 over the share's feature names and weights: the party's commitment to its model share. */
  static String shareDigest(LrModelShare s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(String.join("\u0000", s.features()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.allocate(8 * (s.weights().length + s.standardizer().means().length * 2));
      for (double w : s.weights()) {
        b.putDouble(w);
      }
      for (double m : s.standardizer().means()) {
        b.putDouble(m);
      }
      for (double d : s.standardizer().stds()) {
        b.putDouble(d);
      }
      return HexFormat.of().formatHex(md.digest(b.array()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
