package io.fedge.federation.vertical;

import io.fedge.federation.vertical.LrMessages.BatchDone;
import io.fedge.federation.vertical.LrMessages.BatchStart;
import io.fedge.federation.vertical.LrMessages.CrossTerm;
import io.fedge.federation.vertical.LrMessages.EpochVerdict;
import io.fedge.federation.vertical.LrMessages.FeaturesExchanged;
import io.fedge.federation.vertical.LrMessages.MaskedFeatures;
import io.fedge.federation.vertical.LrMessages.Plan;
import io.fedge.federation.vertical.LrMessages.Ready;
import io.fedge.federation.vertical.LrMessages.Setup;
import io.fedge.federation.vertical.LrMessages.Trained;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What guest and hosts share in vertical logistic regression: each holds its own columns and its own
 * block of weights in the clear, computes its partial score u_p = x_p·w_p, and learns its gradient
 * X_p^T d / |batch| through {@link MaskedProduct} cross terms, where d is the Taylor residual
 * d = z/4 + 1/2 - y (z = Σ_p u_p; Hardy et al. 2017, FATE's hetero-LR) split as d = Σ_p δ_p:
 * δ_guest = u_guest/4 + 1/2 - y and δ_host = u_host/4. For the regression objective d = z - y exactly
 * (δ_guest = u_guest - y, δ_host = u_host); for multiclass:K every party keeps K weight blocks
 * (one-vs-rest) and the arbiter runs each mini-batch K times, batch b training model b mod K
 * (docs/vertical.md, "Objectives").
 */
public abstract class LrParty implements VerticalEndpoint {
  protected final String id;
  protected final String arbiter;
  protected final PartyTable table;
  protected final Outbox outbox;

  protected LrConfig config;
  /** The objective of a model restored from its kept share (no job configuration then). */
  private Objective restoredObjective;
  protected String jobId;
  protected String guestId;
  protected List<String> hostIds;
  protected PartyTable scoringTable;
  protected List<String> others;
  protected Standardizer standardizer;
  protected double[] weights; // K blocks of columns (class-major); K = 1 unless multiclass
  private double[] bestWeights;
  private int columns;
  private double[] x; // standardised, clipped, row-major n x columns (intercept last for the guest)
  private long[] fixed; // the same in fixed point
  private final Map<String, MaskStream> ownerStreams = new HashMap<>();
  private final Map<String, MaskStream> vectorStreams = new HashMap<>();
  private final Map<String, long[]> maskedOfOthers = new HashMap<>();
  private final Map<String, Integer> columnsOfOthers = new HashMap<>();
  private LocalOptimizer[] optimizers;
  protected int[] trainRows;
  protected int[] validationRows;
  private boolean trained;

  private BatchStart currentBatch;
  private double[] localGradient;
  private final Map<Long, Map<String, CrossTerm>> crossTerms = new HashMap<>();

  protected LrParty(String id, String arbiter, PartyTable table, Outbox outbox) {
    this.id = id;
    this.arbiter = arbiter;
    this.table = table;
    this.outbox = outbox;
  }

  /**
   * The rows later {@link LrMessages.ScoreRequest}s refer to by id (a test split, or the rows of
   * online requests); defaults to the training table.
   */
  public void useScoringTable(PartyTable rows) {
    if (!rows.features().equals(table.features())) {
      throw new VerticalException("scoring rows must have the training columns " + table.features());
    }
    this.scoringTable = rows;
  }

  /** Partial scores of this party for ids of the scoring table. */
  protected double[] partialScoresForIds(List<String> ids) {
    if (!trained) {
      throw new VerticalException(id + " cannot score before training has finished");
    }
    PartyTable rows = scoringTable != null ? scoringTable : table;
    int n = ids.size();
    double[] out = new double[n * models()];
    for (int k = 0; k < n; k++) {
      int r = rows.indexOf(ids.get(k));
      if (r < 0) {
        throw new VerticalException(id + " has no row for a requested id (row " + k + " of the request)");
      }
      for (int m = 0; m < models(); m++) {
        out[m * n + k] = partialScore(rows.row(r), m);
      }
    }
    return out;
  }

  /** This party's share of the model: its columns, their standardisation and its weights. */
  public LrModelShare modelShare() {
    return new LrModelShare(id, table.features(), standardizer, weights.clone(), hasIntercept());
  }

  /**
   * Makes this party a scorer of a model trained earlier (after a restart): it takes its kept share
   * instead of training, and answers score requests of {@code jobId} for the rows of its scoring
   * table.
   *
   * @throws VerticalException if the share is not this party's or its columns differ from the table's
   */
  public void restore(String jobId, String guest, List<String> hosts, LrModelShare share, Objective objective) {
    if (!id.equals(share.party()) || !share.features().equals(table.features()) || share.intercept() != hasIntercept()
        || share.weights().length != objective.models() * (table.featureCount() + (hasIntercept() ? 1 : 0))) {
      throw new VerticalException("the kept model share does not fit " + id + "'s columns " + table.features());
    }
    this.jobId = jobId;
    this.guestId = guest;
    this.hostIds = List.copyOf(hosts);
    this.columns = share.weights().length;
    this.standardizer = share.standardizer();
    this.weights = share.weights().clone();
    this.restoredObjective = objective;
    this.trained = true;
  }

  @Override
  public String partyId() {
    return id;
  }

  /** The job's objective (known once the arbiter's setup arrived). */
  public Objective objective() {
    if (config == null) {
      if (restoredObjective != null) {
        return restoredObjective;
      }
      throw new VerticalException(id + " has no job configuration yet");
    }
    return config.objective();
  }

  /** Whether training finished and {@link #weights} hold the best epoch's values. */
  public boolean trained() {
    return trained;
  }

  /** Columns of the product matrix: the features, plus the intercept for the guest. */
  protected abstract boolean hasIntercept();

  /** δ_p of model {@code model} for the given rows from this party's partial scores of that model. */
  protected abstract double[] residualShare(int[] rows, double[] partialScores, int model);

  /** Called once the weights exist and before training (the guest seeds its intercept). */
  protected void initWeights(double[] w, int columnsPerModel) {}

  /** Models trained side by side (K for multiclass, else 1). */
  protected int models() {
    return objective().models();
  }

  /** Model a mini-batch trains: the arbiter repeats each batch once per model. */
  protected int modelOf(int batch) {
    return batch % models();
  }

  /** Messages a subclass handles itself (evaluation, scoring); returns false if unknown. */
  protected abstract boolean receiveOther(String from, VerticalMessage message);

  @Override
  public void receive(String from, VerticalMessage message) {
    if (jobId != null && !jobId.equals(message.jobId())) {
      throw new VerticalException(id + " got a message for job " + message.jobId() + " during job " + jobId);
    }
    if (message instanceof Setup s) {
      requireFrom(from, arbiter, s);
      onSetup(s);
    } else if (message instanceof Plan p) {
      requireFrom(from, arbiter, p);
      onPlan(p);
    } else if (message instanceof MaskedFeatures m) {
      onMaskedFeatures(from, m);
    } else if (message instanceof BatchStart b) {
      requireFrom(from, arbiter, b);
      currentBatch = b;
      onBatchStart(b);
      maybeFinishBatch();
    } else if (message instanceof CrossTerm c) {
      requireOther(from);
      crossTerms.computeIfAbsent(MaskedProduct.round(c.epoch(), c.batch()), k -> new HashMap<>()).put(from, c);
      maybeFinishBatch();
    } else if (message instanceof EpochVerdict v) {
      requireFrom(from, arbiter, v);
      onVerdict(v);
    } else if (!receiveOther(from, message)) {
      throw new VerticalException(id + " does not handle " + message.getClass().getSimpleName());
    }
  }

  private void onSetup(Setup s) {
    this.jobId = s.jobId();
    this.config = s.config();
    this.guestId = s.guest();
    this.hostIds = List.copyOf(s.hosts());
    List<String> all = new ArrayList<>();
    all.add(s.guest());
    all.addAll(s.hosts());
    if (!all.contains(id)) {
      throw new VerticalException(id + " is not a party of job " + s.jobId());
    }
    this.others = all.stream().filter(p -> !p.equals(id)).toList();
    for (String other : others) {
      ownerStreams.put(other, new MaskStream(required(s.ownerSeeds(), other)));
      vectorStreams.put(other, new MaskStream(required(s.vectorSeeds(), other)));
    }
    this.columns = table.featureCount() + (hasIntercept() ? 1 : 0);
    outbox.send(arbiter, new Ready(jobId, table.rowCount(), columns, table.idsDigest()));
  }

  private void onPlan(Plan p) {
    this.trainRows = p.trainRows().clone();
    this.validationRows = p.validationRows().clone();
    for (int r : trainRows) {
      if (r < 0 || r >= table.rowCount()) {
        throw new VerticalException("plan names row " + r + " outside the table");
      }
    }
    this.standardizer = Standardizer.fit(table, trainRows);
    int n = table.rowCount();
    this.x = new double[n * columns];
    this.fixed = new long[n * columns];
    double scale = Math.scalb(1.0, config.fractionBits());
    for (int i = 0; i < n; i++) {
      double[] row = standardizedRow(table.row(i));
      for (int j = 0; j < columns; j++) {
        x[i * columns + j] = row[j];
        fixed[i * columns + j] = Math.round(row[j] * scale);
      }
    }
    this.weights = new double[columns * models()];
    initWeights(weights, columns);
    this.bestWeights = weights.clone();
    this.optimizers = new LocalOptimizer[models()];
    for (int m = 0; m < optimizers.length; m++) {
      optimizers[m] = new LocalOptimizer(config.optimizer(), config.learningRate(), columns);
    }
    for (String other : others) {
      long[] masked = MaskedProduct.maskMatrix(fixed, columns, ownerStreams.get(other));
      outbox.send(other, new MaskedFeatures(jobId, columns, masked));
    }
    this.fixed = null; // only the masked copies and the masks' seeds are needed from here on
  }

  /** One raw row of this party's columns, standardised and clipped, with the intercept if any. */
  protected double[] standardizedRow(double[] raw) {
    double[] out = new double[columns];
    for (int j = 0; j < raw.length; j++) {
      out[j] = Math.max(-LrConfig.CLIP, Math.min(LrConfig.CLIP, standardizer.apply(j, raw[j])));
    }
    if (hasIntercept()) {
      out[columns - 1] = 1.0;
    }
    return out;
  }

  private void onMaskedFeatures(String from, MaskedFeatures m) {
    requireOther(from);
    if (m.columns() < 1 || m.values().length != (long) m.columns() * table.rowCount()) {
      throw new VerticalException("masked features from " + from + " do not match " + table.rowCount() + " rows");
    }
    maskedOfOthers.put(from, m.values());
    columnsOfOthers.put(from, m.columns());
    if (maskedOfOthers.size() == others.size()) {
      outbox.send(arbiter, new FeaturesExchanged(jobId));
    }
  }

  /** Partial scores u_p = x_p·w_p of one model for aligned rows of the training table. */
  protected double[] partialScores(int[] rows, int model) {
    double[] u = new double[rows.length];
    int w0 = model * columns;
    for (int k = 0; k < rows.length; k++) {
      int off = rows[k] * columns;
      double s = 0;
      for (int j = 0; j < columns; j++) {
        s += x[off + j] * weights[w0 + j];
      }
      u[k] = s;
    }
    return u;
  }

  /** Partial scores of every model for aligned rows, class-major (K blocks of rows.length). */
  protected double[] partialScores(int[] rows) {
    double[] out = new double[rows.length * models()];
    for (int m = 0; m < models(); m++) {
      System.arraycopy(partialScores(rows, m), 0, out, m * rows.length, rows.length);
    }
    return out;
  }

  /** Partial score of one model for one raw row (scoring): standardised with the training statistics. */
  protected double partialScore(double[] raw, int model) {
    double[] row = standardizedRow(raw);
    double s = 0;
    for (int j = 0; j < columns; j++) {
      s += row[j] * weights[model * columns + j];
    }
    return s;
  }

  private void onBatchStart(BatchStart b) {
    int[] rows = b.rows();
    long t = MaskedProduct.round(b.epoch(), b.batch());
    int model = modelOf(b.batch());
    double[] delta = residualShare(rows, partialScores(rows, model), model);
    double scale = Math.scalb(1.0, config.fractionBits());
    long[] v = new long[rows.length];
    for (int k = 0; k < rows.length; k++) {
      v[k] = Math.round(Math.max(-LrConfig.CLIP, Math.min(LrConfig.CLIP, delta[k])) * scale);
    }
    for (String a : others) {
      long[] correlation = b.correlations().get(a);
      int da = columnsOfOthers.get(a);
      if (correlation == null || correlation.length != da) {
        throw new VerticalException("batch start lacks a correlation of length " + da + " for " + a);
      }
      long[] share = MaskedProduct.vectorOwnerShare(maskedOfOthers.get(a), da, rows, v, correlation);
      long[] maskedVector = MaskedProduct.maskVector(v, vectorStreams.get(a), t);
      outbox.send(a, new CrossTerm(jobId, b.epoch(), b.batch(), maskedVector, share));
    }
    localGradient = new double[columns];
    for (int k = 0; k < rows.length; k++) {
      int off = rows[k] * columns;
      for (int j = 0; j < columns; j++) {
        localGradient[j] += x[off + j] * delta[k];
      }
    }
  }

  private void maybeFinishBatch() {
    if (currentBatch == null) {
      return;
    }
    long t = MaskedProduct.round(currentBatch.epoch(), currentBatch.batch());
    Map<String, CrossTerm> received = crossTerms.getOrDefault(t, Map.of());
    if (received.size() < others.size()) {
      return;
    }
    int[] rows = currentBatch.rows();
    double[] gradient = localGradient;
    double productScale = Math.scalb(1.0, -2 * config.fractionBits());
    for (String b : others) {
      CrossTerm c = received.get(b);
      if (c.maskedVector().length != rows.length || c.share().length != columns) {
        throw new VerticalException("cross term from " + b + " has the wrong shape");
      }
      long[] product = MaskedProduct.matrixOwnerResult(ownerStreams.get(b), columns, rows,
          c.maskedVector(), c.share(), t);
      for (int j = 0; j < columns; j++) {
        gradient[j] += product[j] * productScale;
      }
    }
    int penalised = hasIntercept() ? columns - 1 : columns;
    int model = modelOf(currentBatch.batch());
    double[] block = java.util.Arrays.copyOfRange(weights, model * columns, (model + 1) * columns);
    for (int j = 0; j < columns; j++) {
      gradient[j] /= rows.length;
      if (j < penalised) {
        gradient[j] += config.l2() * block[j];
      }
    }
    optimizers[model].apply(block, gradient);
    System.arraycopy(block, 0, weights, model * columns, columns);
    crossTerms.remove(t);
    BatchStart done = currentBatch;
    currentBatch = null;
    localGradient = null;
    outbox.send(arbiter, new BatchDone(jobId, done.epoch(), done.batch()));
  }

  private void onVerdict(EpochVerdict v) {
    if (v.best()) {
      bestWeights = weights.clone();
    }
    if (v.stop()) {
      weights = bestWeights.clone();
      trained = true;
      outbox.send(arbiter, new Trained(jobId));
    }
  }

  protected void requireFrom(String from, String expected, VerticalMessage m) {
    if (!expected.equals(from)) {
      throw new VerticalException(m.getClass().getSimpleName() + " must come from " + expected + ", not " + from);
    }
  }

  protected void requireOther(String from) {
    if (others == null || !others.contains(from)) {
      throw new VerticalException(from + " is not a party of job " + jobId);
    }
  }

  private static byte[] required(Map<String, byte[]> seeds, String party) {
    byte[] s = seeds.get(party);
    if (s == null) {
      throw new VerticalException("setup lacks a mask seed for " + party);
    }
    return s;
  }
}
