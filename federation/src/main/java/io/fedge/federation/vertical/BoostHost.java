package io.fedge.federation.vertical;

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
import io.fedge.federation.vertical.BoostMessages.Setup;
import io.fedge.federation.vertical.BoostMessages.SplitDecision;
import io.fedge.federation.vertical.BoostMessages.SplitRows;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A host of SecureBoost-style trees: bins its own features, sums the guest's encrypted gradients per
 * bin (homomorphically, never seeing a gradient), offers split candidates under opaque ids, and
 * keeps the thresholds of the splits chosen for it. It learns the rows of each node (the instance
 * space, as in SecureBoost) and nothing about labels.
 */
public final class BoostHost implements VerticalEndpoint {
  /** A split this host owns: its feature and threshold, never sent to anyone. */
  public record HostSplit(int feature, double threshold) {}

  private final String id;
  private final String guest;
  private final PartyTable table;
  private final Outbox outbox;
  private final SecureRandom random = new SecureRandom();
  private String jobId;
  private PaillierPublicKey key;
  private QuantileBins bins;
  private int[] binned;
  private int tree = -1;
  private BigInteger[] gradients;
  private final List<HistogramRequest> waiting = new ArrayList<>();
  private final Map<Long, int[][]> candidates = new HashMap<>(); // (tree,node) -> split id -> {feature, bin}
  private final Map<Long, int[]> nodeRows = new HashMap<>();
  private final Map<Long, HostSplit> splits = new LinkedHashMap<>();
  private PartyTable scoringTable;
  private final io.fedge.federation.crypto.paillier.ModArith arith = io.fedge.federation.crypto.paillier.ModArith.best();
  private int valueBits;
  private int perCiphertext;

  public BoostHost(String id, String guest, PartyTable table, Outbox outbox) {
    this.id = id;
    this.guest = guest;
    this.table = table;
    this.outbox = outbox;
  }

  @Override
  public String partyId() {
    return id;
  }

  /** Rows that later route requests name by id; defaults to the training table. */
  public void useScoringTable(PartyTable rows) {
    if (!rows.features().equals(table.features())) {
      throw new VerticalException("scoring rows must have the training columns " + table.features());
    }
    this.scoringTable = rows;
  }

  /** This host's share of the model: the split of each (tree, node) it owns. */
  public Map<Long, HostSplit> modelShare() {
    return Map.copyOf(splits);
  }

  static long key(int tree, int node) {
    return ((long) tree << 32) | node;
  }

  @Override
  public void receive(String from, VerticalMessage message) {
    if (!guest.equals(from)) {
      throw new VerticalException(id + " accepts tree messages only from the guest " + guest + ", not " + from);
    }
    if (jobId != null && !jobId.equals(message.jobId())) {
      throw new VerticalException(id + " got a message for job " + message.jobId() + " during job " + jobId);
    }
    if (message instanceof Setup s) {
      onSetup(s);
    } else if (message instanceof EncryptedGradients e) {
      onGradients(e);
    } else if (message instanceof HistogramRequest r) {
      waiting.add(r);
      drain();
    } else if (message instanceof SplitDecision d) {
      onDecision(d);
    } else if (message instanceof Done) {
      gradients = null;
      candidates.clear();
      nodeRows.clear();
    } else if (message instanceof RouteRequest r) {
      onRoute(r);
    } else {
      throw new VerticalException(id + " does not handle " + message.getClass().getSimpleName());
    }
  }

  private void onSetup(Setup s) {
    if (s.rows() != table.rowCount() || !s.idsDigest().equals(table.idsDigest())) {
      throw new VerticalException(id + " holds different aligned rows than the guest: run PSI alignment again");
    }
    if (!s.hosts().contains(id)) {
      throw new VerticalException(id + " is not a host of job " + s.jobId());
    }
    this.jobId = s.jobId();
    this.key = new PaillierPublicKey(new BigInteger(1, s.paillierModulus()));
    GradientPacking packing = new GradientPacking(key, s.config().fractionBits());
    this.valueBits = packing.valueBits();
    this.perCiphertext = packing.valuesPerPlaintext(key.bits());
    this.bins = QuantileBins.fit(table, s.config().bins());
    this.binned = bins.binAll(table);
    outbox.send(guest, new Ready(jobId));
  }

  private void onGradients(EncryptedGradients e) {
    if (e.ciphertexts().size() != table.rowCount()) {
      throw new VerticalException("expected " + table.rowCount() + " encrypted gradients, got " + e.ciphertexts().size());
    }
    BigInteger[] g = new BigInteger[table.rowCount()];
    for (int i = 0; i < g.length; i++) {
      g[i] = key.validate(new BigInteger(1, e.ciphertexts().get(i))).value();
    }
    this.gradients = g;
    this.tree = e.tree();
    candidates.clear();
    nodeRows.clear();
    drain();
  }

  private void drain() {
    List<HistogramRequest> ready = waiting.stream().filter(r -> r.tree() == tree && gradients != null).toList();
    waiting.removeAll(ready);
    for (HistogramRequest r : ready) {
      List<NodeHistogram> out = new ArrayList<>();
      for (NodeRows n : r.nodes()) {
        out.add(histogram(r.tree(), n));
      }
      outbox.send(guest, new EncryptedHistograms(jobId, r.tree(), out));
    }
  }

  private NodeHistogram histogram(int t, NodeRows n) {
    int d = bins.features();
    int[] rows = n.rows();
    for (int r : rows) {
      if (r < 0 || r >= table.rowCount()) {
        throw new VerticalException("node " + n.node() + " names row " + r + " outside the table");
      }
    }
    BigInteger nSquared = key.nSquared();
    BigInteger[][] prefix = new BigInteger[d][];
    IntStream.range(0, d).parallel().forEach(f -> {
      int splitsF = bins.splits(f);
      BigInteger[] acc = new BigInteger[splitsF + 1];
      for (int r : rows) {
        int b = binned[r * d + f];
        acc[b] = acc[b] == null ? gradients[r] : acc[b].multiply(gradients[r]).mod(nSquared);
      }
      BigInteger[] left = new BigInteger[splitsF];
      BigInteger run = BigInteger.ONE;
      for (int s = 0; s < splitsF; s++) {
        if (acc[s] != null) {
          run = run.multiply(acc[s]).mod(nSquared);
        }
        left[s] = run;
      }
      prefix[f] = left;
    });
    List<int[]> all = new ArrayList<>();
    for (int f = 0; f < d; f++) {
      for (int s = 0; s < bins.splits(f); s++) {
        all.add(new int[] {f, s});
      }
    }
    java.util.Collections.shuffle(all, random);
    // Pack k sums per ciphertext by Horner's rule, C <- C^(2^w) · c_j: w squarings per value on the
    // host save the guest k-1 of every k decryptions (a decryption costs far more than w squarings).
    int k = perCiphertext;
    BigInteger shift = BigInteger.ONE.shiftLeft(valueBits);
    int chunks = (all.size() + k - 1) / k;
    byte[][] packed = new byte[chunks][];
    IntStream.range(0, chunks).parallel().forEach(ci -> {
      BigInteger acc = null;
      for (int j = ci * k; j < Math.min(all.size(), (ci + 1) * k); j++) {
        BigInteger c = prefix[all.get(j)[0]][all.get(j)[1]];
        acc = acc == null ? c : arith.modPow(acc, shift, nSquared).multiply(c).mod(nSquared);
      }
      packed[ci] = new io.fedge.federation.crypto.paillier.Ciphertext(acc).toBytes();
    });
    candidates.put(key(t, n.node()), all.toArray(new int[0][]));
    nodeRows.put(key(t, n.node()), rows.clone());
    return new NodeHistogram(n.node(), all.size(), k, List.of(packed));
  }

  private void onDecision(SplitDecision d) {
    int[][] c = candidates.get(key(d.tree(), d.node()));
    int[] rows = nodeRows.get(key(d.tree(), d.node()));
    if (c == null || d.split() < 0 || d.split() >= c.length) {
      throw new VerticalException("no split candidate " + d.split() + " for node " + d.node() + " of tree " + d.tree());
    }
    int feature = c[d.split()][0];
    int bin = c[d.split()][1];
    splits.put(key(d.tree(), d.node()), new HostSplit(feature, bins.threshold(feature, bin)));
    int dims = bins.features();
    int[] left = IntStream.of(rows).filter(r -> binned[r * dims + feature] <= bin).toArray();
    outbox.send(guest, new SplitRows(jobId, d.tree(), d.node(), left));
  }

  private void onRoute(RouteRequest r) {
    PartyTable rows = scoringTable != null ? scoringTable : table;
    int[] index = new int[r.ids().size()];
    for (int k = 0; k < index.length; k++) {
      index[k] = rows.indexOf(r.ids().get(k));
      if (index[k] < 0) {
        throw new VerticalException(id + " has no row for a requested id (row " + k + " of the request)");
      }
    }
    List<NodeRoute> routes = new ArrayList<>();
    for (Map.Entry<Long, HostSplit> e : splits.entrySet()) {
      HostSplit s = e.getValue();
      boolean[] left = new boolean[index.length];
      for (int k = 0; k < index.length; k++) {
        left[k] = rows.value(index[k], s.feature()) <= s.threshold();
      }
      routes.add(new NodeRoute((int) (e.getKey() >>> 32), (int) (long) e.getKey(), left));
    }
    outbox.send(guest, new Routes(jobId, r.requestId(), routes));
  }
}
