package io.fedge.federation.vertical;

import io.fedge.federation.crypto.paillier.Ciphertext;
import io.fedge.federation.crypto.paillier.ModArith;
import io.fedge.federation.crypto.paillier.NoiseMode;
import io.fedge.federation.crypto.paillier.NoisePool;
import io.fedge.federation.crypto.paillier.PaillierKeyPair;
import io.fedge.federation.crypto.paillier.PaillierPrivateKey;
import io.fedge.federation.crypto.paillier.PaillierPublicKey;
import io.fedge.federation.vertical.BoostMessages.Done;
import io.fedge.federation.vertical.BoostMessages.EncryptedGradients;
import io.fedge.federation.vertical.BoostMessages.EncryptedHistograms;
import io.fedge.federation.vertical.BoostMessages.HistogramRequest;
import io.fedge.federation.vertical.BoostMessages.NodeHistogram;
import io.fedge.federation.vertical.BoostMessages.NodeRoute;
import io.fedge.federation.vertical.BoostMessages.NodeRows;
import io.fedge.federation.vertical.BoostMessages.Ready;
import io.fedge.federation.vertical.BoostMessages.RouteRequest;
import io.fedge.federation.vertical.BoostMessages.Routes;
import io.fedge.federation.vertical.BoostMessages.ScoreRequest;
import io.fedge.federation.vertical.BoostMessages.ScoreResult;
import io.fedge.federation.vertical.BoostMessages.Setup;
import io.fedge.federation.vertical.BoostMessages.SplitDecision;
import io.fedge.federation.vertical.BoostMessages.SplitRows;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The guest (active party) of SecureBoost-style trees (Cheng et al., "SecureBoost", IEEE Intelligent
 * Systems 2021): holds labels and the Paillier key, encrypts packed gradients and hessians, decrypts
 * the hosts' histogram sums, chooses every split and keeps every leaf weight. For host splits it
 * knows only "host h, split id s". Objectives (docs/vertical.md): binary log loss; regression with
 * squared loss (g = pred - y, h = 1, base score the mean), its gradients scaled by a guest-private
 * factor so they fit the packed range (which leaves splits and leaf weights unchanged); multiclass:K
 * with softmax, K trees per round, tree t fitting class t mod K.
 */
public final class BoostGuest implements VerticalEndpoint {
  private final String id;
  private final GuestTable data;
  private final List<String> hosts;
  private final Outbox outbox;
  private final TreeConfig config;
  private final String jobId;
  private final ModArith arith;
  private final SecureRandom random = new SecureRandom();
  private PaillierPrivateKey key;
  private NoisePool pool;
  private NoiseMode noiseMode = NoiseMode.FIXED_BASE;
  private GradientPacking packing;
  private QuantileBins bins;
  private int[] binned;
  private final Set<String> ready = new HashSet<>();
  private double baseScore;
  private double[] margin; // row-major n x K (K = 1 unless multiclass)
  private double[] probabilities; // softmax of the margins at the start of a multiclass round
  private double gradientScale = 1; // regression: gradients are scaled into [-1, 1] for packing
  private final List<BoostTree> trees = new ArrayList<>();
  private boolean trained;
  private long encryptNanos;

  // state of the tree being grown
  private int tree;
  private double[] g;
  private double[] h;
  private BoostTree.Node[] nodes;
  private final Map<Integer, int[]> rowsOf = new HashMap<>();
  private List<Integer> level = new ArrayList<>();
  private final Map<String, EncryptedHistograms> histograms = new HashMap<>();
  private final Set<Integer> awaitingRows = new HashSet<>();
  private final List<Integer> nextLevel = new ArrayList<>();

  // scoring
  private PartyTable scoringTable;
  private final Map<String, PendingScore> scoring = new HashMap<>();
  private final Map<String, double[]> results = new HashMap<>();

  private record PendingScore(String requester, boolean reply, List<String> ids, Map<String, Routes> routes) {}

  public BoostGuest(String id, String jobId, TreeConfig config, GuestTable data, List<String> hosts,
      Outbox outbox, ModArith arith) {
    if (hosts.isEmpty()) {
      throw new VerticalException("a vertical job needs at least one host");
    }
    if (data.features().rowCount() >= (1 << GradientPacking.MAX_ROWS_BITS)) {
      throw new VerticalException("at most " + ((1 << GradientPacking.MAX_ROWS_BITS) - 1) + " training rows");
    }
    this.id = id;
    this.jobId = jobId;
    this.config = config;
    this.data = data;
    this.hosts = List.copyOf(hosts);
    this.outbox = outbox;
    this.arith = arith;
  }

  @Override
  public String partyId() {
    return id;
  }

  public boolean trained() {
    return trained;
  }

  /** The guest's share of the model: every tree's structure and leaf weights, and the base score. */
  public List<BoostTree> trees() {
    return List.copyOf(trees);
  }

  public double baseScore() {
    return baseScore;
  }

  /**
   * How the guest draws its encryption noise (default {@link NoiseMode#FIXED_BASE}); call before
   * {@link #start()}. {@link NoiseMode#CLASSIC} for deployments that want to rely on DCR alone.
   */
  public void useNoise(NoiseMode mode) {
    if (mode == null) {
      throw new VerticalException("noise mode is required");
    }
    this.noiseMode = mode;
  }

  /** Wall time spent encrypting gradients so far (for benchmarks). */
  public long encryptNanos() {
    return encryptNanos;
  }

  public void useScoringTable(PartyTable rows) {
    if (!rows.features().equals(data.features().features())) {
      throw new VerticalException("scoring rows must have the training columns");
    }
    this.scoringTable = rows;
  }

  /** Predictions (see {@link Objective#predict}) of a finished batch-scoring request kept at the guest, or null. */
  public double[] result(String requestId) {
    return results.get(requestId);
  }

  /** Generates the Paillier key, bins the guest's features and invites the hosts. */
  public void start() {
    key = PaillierKeyPair.generate(config.keyBits(), random);
    PaillierPublicKey pk = key.publicKey();
    int n = data.features().rowCount();
    pool = NoisePool.forKeyHolder(key, arith, n, 0, noiseMode);
    packing = new GradientPacking(pk, config.fractionBits());
    bins = QuantileBins.fit(data.features(), config.bins());
    binned = bins.binAll(data.features());
    Objective objective = config.objective();
    objective.validate(data.targets());
    double mean = java.util.stream.DoubleStream.of(data.targets()).average().orElse(0.5);
    if (objective.kind() == Objective.Kind.BINARY) {
      mean = Math.min(1 - 1e-6, Math.max(1e-6, mean));
      baseScore = Math.log(mean / (1 - mean));
    } else if (objective.kind() == Objective.Kind.REGRESSION) {
      baseScore = mean;
      double spread = 0;
      for (double y : data.targets()) {
        spread = Math.max(spread, Math.abs(y - mean));
      }
      // twice the largest initial residual: later residuals stay well inside [-1, 1]
      gradientScale = spread > 0 ? 1 / (2 * spread) : 1;
    } else {
      baseScore = 0;
    }
    margin = new double[n * objective.models()];
    java.util.Arrays.fill(margin, baseScore);
    byte[] modulus = new Ciphertext(pk.n()).toBytes();
    for (String host : hosts) {
      outbox.send(host, new Setup(jobId, config, hosts, modulus, n, data.features().idsDigest()));
    }
  }

  @Override
  public void receive(String from, VerticalMessage message) {
    if (!jobId.equals(message.jobId())) {
      throw new VerticalException("message for job " + message.jobId() + " reached the guest of " + jobId);
    }
    if (message instanceof ScoreRequest r) {
      if (hosts.contains(from)) {
        // a host asking for scores could probe the model with rows of its choice
        throw new VerticalException("score requests come from the hub, not from host " + from);
      }
      onScoreRequest(from, r);
      return;
    }
    if (!hosts.contains(from)) {
      throw new VerticalException("message from " + from + ", who is not a host of job " + jobId);
    }
    if (message instanceof Ready) {
      ready.add(from);
      if (ready.size() == hosts.size()) {
        startTree(0);
      }
    } else if (message instanceof EncryptedHistograms e) {
      if (e.tree() != tree) {
        throw new VerticalException("histograms for tree " + e.tree() + " while tree " + tree + " grows");
      }
      histograms.put(from, e);
      if (histograms.size() == hosts.size()) {
        chooseSplits();
      }
    } else if (message instanceof SplitRows s) {
      onSplitRows(from, s);
    } else if (message instanceof Routes r) {
      onRoutes(from, r);
    } else {
      throw new VerticalException("the guest does not handle " + message.getClass().getSimpleName());
    }
  }

  private void startTree(int t) {
    tree = t;
    int n = data.targets().length;
    g = new double[n];
    h = new double[n];
    gradients(t, g, h);
    long start = System.nanoTime();
    PaillierPublicKey pk = key.publicKey();
    byte[][] enc = new byte[n][];
    IntStream.range(0, n).parallel().forEach(i -> enc[i] = pk.encrypt(packing.pack(g[i], h[i]), pool).toBytes());
    encryptNanos += System.nanoTime() - start;
    List<byte[]> list = List.of(enc);
    for (String host : hosts) {
      outbox.send(host, new EncryptedGradients(jobId, t, list));
    }
    nodes = new BoostTree.Node[(1 << (config.maxDepth() + 1)) - 1];
    rowsOf.clear();
    rowsOf.put(0, IntStream.range(0, n).toArray());
    level = new ArrayList<>(List.of(0));
    requestLevel();
  }

  /** g and h of every row for tree t under the objective (scaled by {@link #gradientScale}). */
  private void gradients(int t, double[] gOut, double[] hOut) {
    Objective objective = config.objective();
    double[] y = data.targets();
    int k = objective.models();
    int model = t % k;
    if (objective.kind() == Objective.Kind.MULTICLASS && model == 0) {
      probabilities = objective.predict(classMajor(margin, k));
    }
    for (int i = 0; i < gOut.length; i++) {
      switch (objective.kind()) {
        case BINARY -> {
          double p = 1 / (1 + Math.exp(-margin[i]));
          gOut[i] = p - y[i];
          hOut[i] = p * (1 - p);
        }
        case REGRESSION -> {
          gOut[i] = Math.max(-1, Math.min(1, gradientScale * (margin[i] - y[i])));
          hOut[i] = 1;
        }
        default -> {
          double p = probabilities[i * k + model];
          gOut[i] = p - (y[i] == model ? 1 : 0);
          hOut[i] = p * (1 - p);
        }
      }
    }
  }

  /** Row-major n x k to class-major (k blocks of n). */
  private static double[] classMajor(double[] rowMajor, int k) {
    int n = rowMajor.length / k;
    double[] out = new double[rowMajor.length];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        out[c * n + i] = rowMajor[i * k + c];
      }
    }
    return out;
  }

  private int depthOf(int node) {
    return 31 - Integer.numberOfLeadingZeros(node + 1);
  }

  private void requestLevel() {
    List<NodeRows> splittable = new ArrayList<>();
    for (int node : level) {
      int[] rows = rowsOf.get(node);
      if (depthOf(node) < config.maxDepth() && rows.length >= 2) {
        splittable.add(new NodeRows(node, rows));
      } else {
        makeLeaf(node);
      }
    }
    if (splittable.isEmpty()) {
      finishTree();
      return;
    }
    level = splittable.stream().map(NodeRows::node).toList();
    histograms.clear();
    for (String host : hosts) {
      outbox.send(host, new HistogramRequest(jobId, tree, splittable));
    }
  }

  private void chooseSplits() {
    nextLevel.clear();
    awaitingRows.clear();
    Map<String, Map<Integer, NodeHistogram>> byHost = new HashMap<>();
    for (Map.Entry<String, EncryptedHistograms> e : histograms.entrySet()) {
      Map<Integer, NodeHistogram> m = new HashMap<>();
      for (NodeHistogram nh : e.getValue().nodes()) {
        m.put(nh.node(), nh);
      }
      byHost.put(e.getKey(), m);
    }
    for (int node : level) {
      int[] rows = rowsOf.get(node);
      double gSum = 0;
      double hSum = 0;
      for (int r : rows) {
        gSum += g[r];
        hSum += h[r];
      }
      double parent = gSum * gSum / (hSum + config.lambda());
      double bestGain = 0;
      String bestHost = null;
      int bestFeature = -1;
      int bestSplit = -1;
      // guest's own candidates, in plaintext
      int d = bins.features();
      for (int f = 0; f < d; f++) {
        int splits = bins.splits(f);
        double[] gb = new double[splits + 1];
        double[] hb = new double[splits + 1];
        for (int r : rows) {
          int b = binned[r * d + f];
          gb[b] += g[r];
          hb[b] += h[r];
        }
        double gl = 0;
        double hl = 0;
        for (int s = 0; s < splits; s++) {
          gl += gb[s];
          hl += hb[s];
          double gain = gain(gl, hl, gSum, hSum, parent);
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestSplit = s;
          }
        }
      }
      for (String host : hosts) {
        NodeHistogram nh = byHost.get(host).get(node);
        if (nh == null) {
          throw new VerticalException(host + " sent no histogram for node " + node);
        }
        double[][] sums = decryptAll(nh);
        for (int s = 0; s < sums.length; s++) {
          double gain = gain(sums[s][0], sums[s][1], gSum, hSum, parent);
          if (gain > bestGain) {
            bestGain = gain;
            bestHost = host;
            bestSplit = s;
          }
        }
      }
      if (bestSplit < 0) {
        makeLeaf(node);
      } else if (bestHost == null) {
        nodes[node] = BoostTree.Node.guest(bestFeature, bins.threshold(bestFeature, bestSplit));
        int f = bestFeature;
        int s = bestSplit;
        partition(node, IntStream.of(rows).filter(r -> binned[r * d + f] <= s).toArray());
      } else {
        nodes[node] = BoostTree.Node.host(bestHost);
        awaitingRows.add(node);
        outbox.send(bestHost, new SplitDecision(jobId, tree, node, bestSplit));
      }
    }
    if (awaitingRows.isEmpty()) {
      advance();
    }
  }

  private double gain(double gl, double hl, double gSum, double hSum, double parent) {
    double gr = gSum - gl;
    double hr = hSum - hl;
    if (hl < config.minChildWeight() || hr < config.minChildWeight()) {
      return 0;
    }
    return gl * gl / (hl + config.lambda()) + gr * gr / (hr + config.lambda()) - parent;
  }

  private double[][] decryptAll(NodeHistogram nh) {
    PaillierPublicKey pk = key.publicKey();
    int k = packing.valuesPerPlaintext(pk.bits());
    List<byte[]> sums = nh.packedSums();
    if (nh.perCiphertext() != k || nh.candidates() < 0 || sums.size() != (nh.candidates() + k - 1) / k) {
      throw new VerticalException("histogram of node " + nh.node() + " is not packed " + k + " to a ciphertext");
    }
    int w = packing.valueBits();
    BigInteger mask = BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
    double[][] out = new double[nh.candidates()][];
    IntStream.range(0, sums.size()).parallel().forEach(ci -> {
      BigInteger m = key.decrypt(pk.validate(new BigInteger(1, sums.get(ci))), arith);
      int first = ci * k;
      int count = Math.min(k, nh.candidates() - first);
      for (int j = 0; j < count; j++) {
        out[first + j] = packing.unpack(m.shiftRight(w * (count - 1 - j)).and(mask));
      }
    });
    return out;
  }

  private void onSplitRows(String from, SplitRows s) {
    if (s.tree() != tree || !awaitingRows.contains(s.node()) || nodes[s.node()] == null
        || !from.equals(nodes[s.node()].host())) {
      throw new VerticalException(from + " sent split rows for a node it was not asked about");
    }
    Set<Integer> nodeRows = new HashSet<>();
    for (int r : rowsOf.get(s.node())) {
      nodeRows.add(r);
    }
    for (int r : s.leftRows()) {
      if (!nodeRows.contains(r)) {
        throw new VerticalException(from + " put row " + r + " into node " + s.node() + " that does not hold it");
      }
    }
    awaitingRows.remove(s.node());
    partition(s.node(), s.leftRows());
    if (awaitingRows.isEmpty()) {
      advance();
    }
  }

  private void partition(int node, int[] left) {
    Set<Integer> l = new HashSet<>();
    for (int r : left) {
      l.add(r);
    }
    int[] rows = rowsOf.get(node);
    rowsOf.put(2 * node + 1, left.clone());
    rowsOf.put(2 * node + 2, IntStream.of(rows).filter(r -> !l.contains(r)).toArray());
    nextLevel.add(2 * node + 1);
    nextLevel.add(2 * node + 2);
  }

  private void advance() {
    level = new ArrayList<>(nextLevel);
    nextLevel.clear();
    if (level.isEmpty()) {
      finishTree();
    } else {
      requestLevel();
    }
  }

  private void makeLeaf(int node) {
    int[] rows = rowsOf.get(node);
    double gs = 0;
    double hs = 0;
    for (int r : rows) {
      gs += g[r];
      hs += h[r];
    }
    double w = -gs / (hs + config.lambda()) * config.learningRate() / gradientScale;
    nodes[node] = BoostTree.Node.leaf(w);
    int k = config.objective().models();
    for (int r : rows) {
      margin[r * k + tree % k] += w;
    }
  }

  private void finishTree() {
    trees.add(new BoostTree(nodes.clone()));
    if (tree + 1 < config.trees() * config.objective().models()) {
      startTree(tree + 1);
    } else {
      trained = true;
      pool.close();
      for (String host : hosts) {
        outbox.send(host, new Done(jobId));
      }
    }
  }

  private void onScoreRequest(String from, ScoreRequest r) {
    if (!trained) {
      throw new VerticalException("job " + jobId + " has not finished training");
    }
    scoring.put(r.requestId(), new PendingScore(from, r.replyToRequester(), List.copyOf(r.ids()), new HashMap<>()));
    for (String host : hosts) {
      outbox.send(host, new RouteRequest(jobId, r.requestId(), r.ids()));
    }
  }

  private void onRoutes(String from, Routes r) {
    PendingScore p = scoring.get(r.requestId());
    if (p == null) {
      throw new VerticalException("routes for an unknown request from " + from);
    }
    p.routes().put(from, r);
    if (p.routes().size() < hosts.size()) {
      return;
    }
    scoring.remove(r.requestId());
    Map<String, Map<Long, boolean[]>> decisions = new HashMap<>();
    for (Map.Entry<String, Routes> e : p.routes().entrySet()) {
      Map<Long, boolean[]> m = new HashMap<>();
      for (NodeRoute nr : e.getValue().routes()) {
        if (nr.left().length != p.ids().size()) {
          throw new VerticalException(e.getKey() + " routed " + nr.left().length + " rows, expected " + p.ids().size());
        }
        m.put(BoostHost.key(nr.tree(), nr.node()), nr.left());
      }
      decisions.put(e.getKey(), m);
    }
    PartyTable rows = scoringTable != null ? scoringTable : data.features();
    int models = config.objective().models();
    int count = p.ids().size();
    double[] z = new double[count * models]; // class-major
    for (int k = 0; k < count; k++) {
      int row = rows.indexOf(p.ids().get(k));
      if (row < 0) {
        throw new VerticalException("the guest has no row for a requested id (row " + k + " of the request)");
      }
      for (int c = 0; c < models; c++) {
        z[c * count + k] = baseScore;
      }
      for (int t = 0; t < trees.size(); t++) {
        int tt = t;
        int kk = k;
        z[(t % models) * count + k] += trees.get(t).leafWeight(rows.row(row), (host, node) -> {
          boolean[] left = decisions.getOrDefault(host, Map.of()).get(BoostHost.key(tt, node));
          if (left == null) {
            throw new VerticalException(host + " did not route node " + node + " of tree " + tt);
          }
          return left[kk];
        });
      }
    }
    double[] out = config.objective().predict(z);
    if (p.reply()) {
      outbox.send(p.requester(), new ScoreResult(jobId, r.requestId(), out));
    } else {
      results.put(r.requestId(), out);
    }
  }
}
