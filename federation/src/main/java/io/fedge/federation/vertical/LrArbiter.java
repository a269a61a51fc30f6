package io.fedge.federation.vertical;

import io.fedge.federation.vertical.LrMessages.BatchDone;
import io.fedge.federation.vertical.LrMessages.BatchStart;
import io.fedge.federation.vertical.LrMessages.EpochReport;
import io.fedge.federation.vertical.LrMessages.EpochVerdict;
import io.fedge.federation.vertical.LrMessages.EvaluateValidation;
import io.fedge.federation.vertical.LrMessages.FeaturesExchanged;
import io.fedge.federation.vertical.LrMessages.Plan;
import io.fedge.federation.vertical.LrMessages.Ready;
import io.fedge.federation.vertical.LrMessages.ScoreResult;
import io.fedge.federation.vertical.LrMessages.Setup;
import io.fedge.federation.vertical.LrMessages.Trained;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The hub's part in vertical LR: coordinator and dealer of correlated randomness. It holds no data:
 * it sees row and column counts, the id-order digest, and the guest's per-epoch validation metrics,
 * and sends seeds and correlations that are independent of the data.
 */
public final class LrArbiter implements VerticalEndpoint {
  private final String id;
  private final String jobId;
  private final LrConfig config;
  private final String guest;
  private final List<String> hosts;
  private final List<String> parties;
  private final Outbox outbox;
  private final SecureRandom random;
  // pair key "A>B": A's matrix, B's vector
  private final Map<String, MaskStream> ownerStreams = new HashMap<>();
  private final Map<String, MaskStream> vectorStreams = new HashMap<>();
  private final Map<String, Ready> ready = new LinkedHashMap<>();
  private final Set<String> exchanged = new HashSet<>();
  private final Set<String> batchDone = new HashSet<>();
  private final Set<String> trainedParties = new HashSet<>();
  private final List<EpochReport> history = new ArrayList<>();
  private final Map<String, double[]> scoreResults = new HashMap<>();
  private int[] trainRows;
  private List<int[]> batches;
  private int epoch;
  private int batch;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int bestEpoch = -1;
  private int epochsSinceBest;
  private boolean done;

  public LrArbiter(String id, String jobId, LrConfig config, String guest, List<String> hosts, Outbox outbox,
      SecureRandom random) {
    if (hosts.isEmpty()) {
      throw new VerticalException("a vertical job needs at least one host");
    }
    this.id = id;
    this.jobId = jobId;
    this.config = config;
    this.guest = guest;
    this.hosts = List.copyOf(hosts);
    List<String> all = new ArrayList<>();
    all.add(guest);
    all.addAll(hosts);
    if (new HashSet<>(all).size() != all.size() || all.contains(id)) {
      throw new VerticalException("party ids must be distinct and differ from the arbiter's");
    }
    this.parties = List.copyOf(all);
    this.outbox = outbox;
    this.random = random;
  }

  @Override
  public String partyId() {
    return id;
  }

  /** Sends every party its setup with fresh pairwise mask seeds. */
  public void start() {
    Map<String, Map<String, byte[]>> ownerSeeds = new HashMap<>();
    Map<String, Map<String, byte[]>> vectorSeeds = new HashMap<>();
    for (String a : parties) {
      for (String b : parties) {
        if (a.equals(b)) {
          continue;
        }
        byte[] sa = new byte[MaskStream.SEED_BYTES];
        byte[] sb = new byte[MaskStream.SEED_BYTES];
        random.nextBytes(sa);
        random.nextBytes(sb);
        ownerStreams.put(a + ">" + b, new MaskStream(sa));
        vectorStreams.put(a + ">" + b, new MaskStream(sb));
        ownerSeeds.computeIfAbsent(a, k -> new HashMap<>()).put(b, sa);
        vectorSeeds.computeIfAbsent(b, k -> new HashMap<>()).put(a, sb);
      }
    }
    for (String p : parties) {
      outbox.send(p, new Setup(jobId, config, guest, hosts, ownerSeeds.get(p), vectorSeeds.get(p)));
    }
  }

  public boolean done() {
    return done;
  }

  /** Validation metrics the guest reported, one per epoch run. */
  public List<EpochReport> history() {
    return List.copyOf(history);
  }

  /** Epoch whose weights the parties kept. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /**
   * Routes an online score request to every party; the guest combines the partial scores and
   * returns the probabilities to the arbiter ({@link #scoreResult}).
   */
  public void requestScores(String requestId, List<String> ids) {
    if (!done) {
      throw new VerticalException("job " + jobId + " has not finished training");
    }
    for (String p : parties) {
      outbox.send(p, new LrMessages.ScoreRequest(jobId, requestId, ids, true));
    }
  }

  /** Probabilities the guest returned for an online score request, or null. */
  public double[] scoreResult(String requestId) {
    return scoreResults.get(requestId);
  }

  @Override
  public void receive(String from, VerticalMessage message) {
    if (!parties.contains(from)) {
      throw new VerticalException("message from " + from + ", who is not a party of job " + jobId);
    }
    if (!jobId.equals(message.jobId())) {
      throw new VerticalException("message for job " + message.jobId() + " reached the arbiter of " + jobId);
    }
    if (message instanceof Ready r) {
      ready.put(from, r);
      if (ready.size() == parties.size()) {
        plan();
      }
    } else if (message instanceof FeaturesExchanged) {
      exchanged.add(from);
      if (exchanged.size() == parties.size()) {
        startEpoch(0);
      }
    } else if (message instanceof BatchDone d) {
      if (d.epoch() != epoch || d.batch() != batch) {
        throw new VerticalException(from + " finished batch " + d.epoch() + "/" + d.batch() + " but "
            + epoch + "/" + batch + " is running");
      }
      batchDone.add(from);
      if (batchDone.size() == parties.size()) {
        batchDone.clear();
        nextBatch();
      }
    } else if (message instanceof EpochReport r) {
      if (!from.equals(guest)) {
        throw new VerticalException("only the guest reports validation metrics");
      }
      onReport(r);
    } else if (message instanceof Trained) {
      trainedParties.add(from);
      done = trainedParties.size() == parties.size();
    } else if (message instanceof ScoreResult s) {
      if (!from.equals(guest)) {
        throw new VerticalException("only the guest returns scores");
      }
      scoreResults.put(s.requestId(), s.scores());
    } else {
      throw new VerticalException("the arbiter does not handle " + message.getClass().getSimpleName());
    }
  }

  private void plan() {
    Ready first = ready.get(guest);
    int maxColumns = 0;
    for (Map.Entry<String, Ready> e : ready.entrySet()) {
      Ready r = e.getValue();
      if (r.rows() != first.rows() || !r.idsDigest().equals(first.idsDigest())) {
        throw new VerticalException("party " + e.getKey() + " holds different aligned rows than the guest: "
            + "run PSI alignment again and give every party the same id order");
      }
      maxColumns = Math.max(maxColumns, r.columns());
    }
    if (config.batchSize() <= maxColumns) {
      throw new VerticalException("batchSize " + config.batchSize() + " must exceed the largest party's "
          + maxColumns + " columns, or a gradient could reveal single rows");
    }
    int n = first.rows();
    int[] order = permutation(n, new Random(config.seed()));
    int validation = (int) Math.round(n * config.validationFraction());
    int[] validationRows = Arrays.copyOfRange(order, 0, validation);
    trainRows = Arrays.copyOfRange(order, validation, n);
    if (trainRows.length < config.batchSize() / 2) {
      throw new VerticalException("only " + trainRows.length + " training rows for batches of " + config.batchSize());
    }
    Arrays.sort(validationRows);
    for (String p : parties) {
      outbox.send(p, new Plan(jobId, trainRows, validationRows));
    }
  }

  private void startEpoch(int e) {
    epoch = e;
    batch = 0;
    int[] order = trainRows.clone();
    shuffle(order, new Random(config.seed() * 31 + e + 1));
    batches = new ArrayList<>();
    for (int start = 0; start < order.length; start += config.batchSize()) {
      int end = Math.min(order.length, start + config.batchSize());
      if (end - start <= maxColumns() && !batches.isEmpty()) {
        // a short tail joins the previous batch so no gradient covers too few rows
        int[] prev = batches.remove(batches.size() - 1);
        int[] merged = Arrays.copyOf(prev, prev.length + end - start);
        System.arraycopy(order, start, merged, prev.length, end - start);
        batches.add(merged);
      } else {
        batches.add(Arrays.copyOfRange(order, start, end));
      }
    }
    int models = config.objective().models();
    if (models > 1) {
      // one-vs-rest: each mini-batch runs once per class; batch b trains model b mod K
      List<int[]> perModel = new ArrayList<>();
      for (int[] rows : batches) {
        for (int m = 0; m < models; m++) {
          perModel.add(rows);
        }
      }
      batches = perModel;
    }
    sendBatch();
  }

  private int maxColumns() {
    return ready.values().stream().mapToInt(Ready::columns).max().orElse(0);
  }

  private void sendBatch() {
    int[] rows = batches.get(batch);
    long t = MaskedProduct.round(epoch, batch);
    for (String b : parties) {
      Map<String, long[]> correlations = new HashMap<>();
      for (String a : parties) {
        if (!a.equals(b)) {
          String pair = a + ">" + b;
          correlations.put(a, MaskedProduct.correlation(ownerStreams.get(pair), vectorStreams.get(pair), rows,
              ready.get(a).columns(), t));
        }
      }
      outbox.send(b, new BatchStart(jobId, epoch, batch, rows, correlations));
    }
  }

  private void nextBatch() {
    batch++;
    if (batch < batches.size()) {
      sendBatch();
      return;
    }
    if (config.validationFraction() > 0) {
      for (String p : parties) {
        outbox.send(p, new EvaluateValidation(jobId, epoch));
      }
    } else {
      bestEpoch = epoch;
      verdict(true, epoch + 1 >= config.maxEpochs());
    }
  }

  private void onReport(EpochReport r) {
    if (r.epoch() != epoch) {
      throw new VerticalException("report for epoch " + r.epoch() + " while epoch " + epoch + " is running");
    }
    history.add(r);
    boolean best = r.validationLoss() < bestLoss - config.minDelta();
    if (best) {
      bestLoss = r.validationLoss();
      bestEpoch = epoch;
      epochsSinceBest = 0;
    } else {
      epochsSinceBest++;
    }
    boolean stop = epochsSinceBest >= config.patience() || epoch + 1 >= config.maxEpochs();
    verdict(best, stop);
  }

  private void verdict(boolean best, boolean stop) {
    for (String p : parties) {
      outbox.send(p, new EpochVerdict(jobId, epoch, best, stop));
    }
    if (!stop) {
      startEpoch(epoch + 1);
    }
  }

  private static int[] permutation(int n, Random r) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, r);
    return order;
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
