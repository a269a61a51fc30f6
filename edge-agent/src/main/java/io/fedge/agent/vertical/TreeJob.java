package io.fedge.agent.vertical;

import io.fedge.agent.consent.JobDataAccess;
import io.fedge.agent.data.DataException;
import io.fedge.federation.crypto.paillier.ModArith;
import io.fedge.federation.vertical.BoostGuest;
import io.fedge.federation.vertical.BoostHost;
import io.fedge.federation.vertical.BoostMessages;
import io.fedge.federation.vertical.BoostModelShare;
import io.fedge.federation.vertical.GuestTable;
import io.fedge.federation.vertical.PartyTable;
import io.fedge.federation.vertical.VerticalEndpoint;
import io.fedge.federation.vertical.VerticalMessage;
import io.fedge.federation.vertical.relay.TestSplit;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalControl.TreeStage;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One party's side of a SecureBoost-style tree job over the relay (docs/vertical.md, "Trees over
 * MQTT"): reads the aligned dataset through the job's consent, holds out the test rows, runs
 * {@link BoostGuest} (the guest: Paillier key, labels, leaves) or {@link BoostHost} (a host: its
 * thresholds), keeps the party's model share on disk, and at the guest evaluates the test rows
 * through the same routing as online scoring. Plain Java, driven one message at a time by
 * {@link AgentVertical}'s job thread; tree messages that arrive before the stage message wait.
 */
final class TreeJob {
  private static final Logger LOG = LoggerFactory.getLogger(TreeJob.class);
  private static final String TEST_REQUEST = "test";
  private static final int MAX_EARLY = 64;

  /** How the job reaches the relay and the hub. */
  interface Channel {
    void send(String to, Object message);

    void report(StageReport report);
  }

  private record Early(String from, VerticalMessage message) {}

  private final String jobId;
  private final String self;
  private final Channel channel;
  private final Path sharesDir;
  private final List<Early> early = new ArrayList<>();
  private TreeStage stage;
  private BoostGuest guest;
  private BoostHost host;
  private PartyTable full;
  private double[] labels;
  private final List<Integer> testRows = new ArrayList<>();
  private boolean trainedReported;
  private boolean testing;
  private long startedNanos;

  TreeJob(String jobId, String self, Channel channel, Path sharesDir) {
    this.jobId = jobId;
    this.self = self;
    this.channel = channel;
    this.sharesDir = sharesDir;
  }

  /** Whether {@code m} belongs to a tree job (its stage record or a SecureBoost message). */
  static boolean handles(Object m) {
    return m instanceof TreeStage || m != null && m.getClass().getEnclosingClass() == BoostMessages.class;
  }

  /** The stage a failure while handling {@code m} is reported under. */
  static String stageOf(Object m) {
    String request = m instanceof BoostMessages.ScoreRequest r ? r.requestId()
        : m instanceof BoostMessages.RouteRequest r ? r.requestId()
        : m instanceof BoostMessages.Routes r ? r.requestId() : null;
    if (request == null) {
      return "trees";
    }
    return TEST_REQUEST.equals(request) ? "test" : "score";
  }

  boolean started() {
    return stage != null;
  }

  /** The stage message: read the party's columns (through its consent) and build its protocol side. */
  void start(TreeStage s, JobDataAccess access) {
    if (stage != null) {
      return; // a repeated stage message
    }
    if (!jobId.equals(s.jobId())) {
      throw new IllegalStateException("tree stage for job " + s.jobId() + " reached job " + jobId);
    }
    boolean isGuest = "guest".equals(s.role());
    if (isGuest && s.config() == null) {
      throw new IllegalStateException("the tree stage names no tree configuration");
    }
    AlignedRows rows = AlignedRows.read(access, s.aligned(), s.features(), isGuest ? s.label() : null);
    List<String> ids = rows.table().ids();
    List<Integer> train = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      (TestSplit.isTest(s.seed(), ids.get(i), s.testFraction()) ? testRows : train).add(i);
    }
    if (train.size() < 2) {
      throw new DataException("the aligned dataset " + s.aligned() + " leaves " + train.size() + " training rows");
    }
    full = rows.table();
    PartyTable trainTable = rows.subset(train);
    stage = s;
    startedNanos = System.nanoTime();
    io.fedge.federation.vertical.Outbox out = channel::send;
    if (isGuest) {
      labels = rows.labels();
      double[] trainLabels = rows.labelsAt(train);
      guest = new BoostGuest(self, jobId, s.config(), new GuestTable(trainTable, trainLabels), s.hosts(), out,
          ModArith.best());
      guest.useScoringTable(full);
      guest.useNoise(s.config().noiseMode());
    } else {
      host = new BoostHost(self, s.guest(), trainTable, out);
      host.useScoringTable(full);
    }
    LOG.info("vertical job {}: trees as {} on {} rows ({} train, {} test) of {}", jobId, s.role(), ids.size(),
        train.size(), testRows.size(), s.aligned());
    if (isGuest) {
      guest.start(); // makes the Paillier key and sends Setup to every host
    }
    List<Early> waiting = new ArrayList<>(early);
    early.clear();
    for (Early e : waiting) {
      receive(e.from(), e.message());
    }
  }

  /** A SecureBoost message from a peer (sealed) or a score request from the hub. */
  void receive(String from, VerticalMessage m) {
    if (stage == null) {
      if (early.size() >= MAX_EARLY) {
        throw new IllegalStateException("too many tree messages for job " + jobId + " before its tree stage");
      }
      early.add(new Early(from, m));
      return;
    }
    VerticalEndpoint party = guest != null ? guest : host;
    party.receive(from, m);
    if (!trainedReported && (guest != null ? guest.trained() : m instanceof BoostMessages.Done)) {
      trainedReported = true;
      String digest = keepShare(guest != null
          ? BoostModelShare.ofGuest(stage.features(), guest.baseScore(), guest.trees(), stage.config().objective())
          : BoostModelShare.ofHost(stage.features(), host.modelShare()));
      LOG.info("vertical job {}: trees trained as {} in {} s", jobId, stage.role(),
          String.format("%.1f", (System.nanoTime() - startedNanos) / 1e9));
      channel.report(new StageReport(jobId, "trees", true, null, full.rowCount(), Map.of(), digest));
    }
    if (testing && guest != null && guest.result(TEST_REQUEST) != null) {
      testing = false;
      finishTest(guest.result(TEST_REQUEST));
    }
  }

  /**
   * The hub's EvaluateTest (guest only): score the held-out rows through the hosts' routes, like an
   * online score kept at the guest, then report the metrics.
   */
  void evaluate() {
    if (guest == null || !guest.trained()) {
      throw new IllegalStateException("cannot evaluate job " + jobId + " before the guest finished training");
    }
    testing = true;
    List<String> ids = testRows.stream().map(full.ids()::get).toList();
    guest.receive(self, new BoostMessages.ScoreRequest(jobId, TEST_REQUEST, ids, false));
  }

  private void finishTest(double[] p) {
    double[] y = new double[testRows.size()];
    for (int k = 0; k < y.length; k++) {
      y[k] = labels[testRows.get(k)];
    }
    io.fedge.federation.vertical.Objective objective = stage.config().objective();
    Map<String, Double> metrics = new LinkedHashMap<>(objective.testMetrics(p, y));
    metrics.put("train_seconds", (double) Math.round((System.nanoTime() - startedNanos) / 1e7) / 100.0);
    LOG.info("vertical job {}: trees ({}) test metrics {} on {} rows", jobId, objective, metrics, y.length);
    channel.report(new StageReport(jobId, "test", true, null, y.length, metrics, null));
  }

  /**
   * Keeps the share as {@code <sharesDir>/<jobId>.sbt-share.json}, owner-only, and returns the
   * SHA-256 of the file's bytes (the party's commitment in the registry). A host's file holds its
   * thresholds: it never leaves the host.
   */
  private String keepShare(BoostModelShare share) {
    try {
      byte[] bytes = WireCodec.mapper().writeValueAsBytes(share);
      Files.createDirectories(sharesDir);
      // owner-only from creation, then moved into place (no moment at which the host's thresholds are readable)
      io.fedge.provisioning.Pem.writeSecret(sharesDir.resolve(jobId + ".sbt-share.json"),
          new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException e) {
      throw new DataException("cannot keep the model share of job " + jobId + ": " + e.getMessage());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
