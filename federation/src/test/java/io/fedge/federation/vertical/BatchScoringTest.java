package io.fedge.federation.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.vertical.relay.ScoreControl;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreChunk;
import io.fedge.federation.vertical.relay.VerticalCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batch scoring of a split LR model in chunks: guest and two hosts wired through a message queue. */
class BatchScoringTest {
  private static final Random RANDOM = new Random(11);

  private static LrModelShare share(String party, int features, boolean intercept) {
    double[] means = new double[features];
    double[] stds = new double[features];
    double[] w = new double[features + (intercept ? 1 : 0)];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      names.add(party + "_f" + j);
      means[j] = RANDOM.nextGaussian();
      stds[j] = 0.5 + RANDOM.nextDouble();
    }
    for (int j = 0; j < w.length; j++) {
      w[j] = RANDOM.nextGaussian();
    }
    return new LrModelShare(party, names, new Standardizer(means, stds), w, intercept);
  }

  private static Map<String, double[]> rows(List<String> ids, int features) {
    Map<String, double[]> m = new HashMap<>();
    for (String id : ids) {
      double[] x = new double[features];
      for (int j = 0; j < features; j++) {
        x[j] = RANDOM.nextGaussian() * 2;
      }
      m.put(id, x);
    }
    return m;
  }

  private record Sent(String from, String to, Object message) {}

  /** Guest + hosts over a FIFO queue, every message through the vertical codec as on the wire. */
  private static final class Net {
    final Deque<Sent> queue = new ArrayDeque<>();
    final Map<String, BatchScoreHost> hosts = new HashMap<>();
    BatchScoreGuest guest;
    int chunkMessages;

    Outbox from(String party) {
      return (to, m) -> queue.add(new Sent(party, to, VerticalCodec.decode(VerticalCodec.encode(m))));
    }

    void run() {
      while (!queue.isEmpty()) {
        Sent s = queue.poll();
        if (s.message() instanceof ScoreChunk c) {
          chunkMessages++;
          hosts.get(s.to()).onChunk(s.from(), c);
        } else {
          guest.onPart(s.from(), (ChunkPart) s.message());
        }
      }
    }
  }

  private static BatchScoreGuest.Rows rowsOf(List<String> ids, Map<String, double[]> x) {
    int[] next = {0};
    return max -> {
      int end = Math.min(ids.size(), next[0] + max);
      List<String> chunk = ids.subList(next[0], end);
      double[][] r = chunk.stream().map(x::get).toArray(double[][]::new);
      Object[] carried = chunk.stream().map(id -> (Object) ("label-" + id)).toArray();
      next[0] = end;
      return new BatchScoreGuest.Chunk(List.copyOf(chunk), r, carried);
    };
  }

  static {
    ScoreControl.register();
  }

  @Test
  void everyRowIsScoredInChunksAndEqualsTheAssembledSplitModel() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_007; i++) {
      ids.add("c" + i);
    }
    LrModelShare g = share("g", 3, true);
    LrModelShare h1 = share("h1", 4, false);
    LrModelShare h2 = share("h2", 2, false);
    Map<String, double[]> gx = rows(ids, 3);
    Map<String, double[]> h1x = rows(ids, 4);
    Map<String, double[]> h2x = rows(ids, 2);
    Net net = new Net();
    net.hosts.put("h1", new BatchScoreHost("h1", "s", "g", "aligned", new LrBatchScorer(h1),
        want -> pick(h1x, want), net.from("h1")));
    net.hosts.put("h2", new BatchScoreHost("h2", "s", "g", "aligned", new LrBatchScorer(h2),
        want -> pick(h2x, want), net.from("h2")));
    List<String> outIds = new ArrayList<>();
    List<Double> outP = new ArrayList<>();
    List<Object> outCarried = new ArrayList<>();
    long[] end = {-1, -1};
    List<Integer> chunkSizes = new ArrayList<>();
    net.guest = new BatchScoreGuest("s", List.of("h1", "h2"), new LrBatchScorer(g), rowsOf(ids, gx), 4096,
        net.from("g"), new BatchScoreGuest.Sink() {
          @Override
          public void scored(int chunk, BatchScoreGuest.Chunk rows, double[] p) {
            assertThat(chunk).isEqualTo(chunkSizes.size());
            chunkSizes.add(p.length);
            outIds.addAll(rows.ids());
            for (int k = 0; k < p.length; k++) {
              outP.add(p[k]);
              outCarried.add(rows.carried()[k]);
            }
          }

          @Override
          public void finished(long rows, int chunks) {
            end[0] = rows;
            end[1] = chunks;
          }
        });
    net.guest.start();
    net.run();

    assertThat(net.guest.finished()).isTrue();
    assertThat(end).containsExactly(10_007, 3);
    assertThat(chunkSizes).containsExactly(4096, 4096, 1815);
    assertThat(net.chunkMessages).isEqualTo(6);
    assertThat(outIds).isEqualTo(ids);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      double z = g.partialScore(gx.get(id)) + h1.partialScore(h1x.get(id)) + h2.partialScore(h2x.get(id));
      assertThat(outP.get(i)).isCloseTo(1 / (1 + Math.exp(-z)), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(outCarried.get(i)).isEqualTo("label-" + id);
    }
  }

  private static Map<String, double[]> pick(Map<String, double[]> all, List<String> want) {
    Map<String, double[]> m = new HashMap<>();
    for (String id : want) {
      if (all.containsKey(id)) {
        m.put(id, all.get(id));
      }
    }
    return m;
  }

  @Test
  void aChunkWithAnIdTheHostLacksFailsNamingTheHostAndDataset() {
    LrModelShare h = share("h", 2, false);
    Map<String, double[]> hx = rows(List.of("a", "b"), 2);
    List<Object> sent = new ArrayList<>();
    BatchScoreHost host = new BatchScoreHost("h", "s", "g", "aligned_h", new LrBatchScorer(h),
        want -> pick(hx, want), (to, m) -> sent.add(m));
    assertThatThrownBy(() -> host.onChunk("g", new ScoreChunk("s", 0, List.of("a", "zz", "b", "yy"))))
        .isInstanceOf(VerticalException.class)
        .hasMessageContaining("2 of the 4 ids of chunk 0")
        .hasMessageContaining("first at row 1")
        .hasMessageContaining("'aligned_h' of host h");
    assertThat(sent).isEmpty();
    assertThatThrownBy(() -> host.onChunk("other", new ScoreChunk("s", 0, List.of("a"))))
        .hasMessageContaining("only from the guest");
    host.onChunk("g", new ScoreChunk("s", 0, List.of("b", "a")));
    assertThat(sent).hasSize(1);
    LrBatchScorer.Part p = (LrBatchScorer.Part) sent.get(0);
    assertThat(p.partials()).containsExactly(h.partialScore(hx.get("b")), h.partialScore(hx.get("a")));
  }

  @Test
  void theGuestRefusesPartsOfAnotherChunkOrFromANonHostAndAHostShareCannotCombine() {
    LrModelShare g = share("g", 1, true);
    Map<String, double[]> gx = rows(List.of("a", "b", "c"), 1);
    List<Object> sent = new ArrayList<>();
    BatchScoreGuest guest = new BatchScoreGuest("s", List.of("h"), new LrBatchScorer(g),
        rowsOf(List.of("a", "b", "c"), gx), 2, (to, m) -> sent.add(m), new BatchScoreGuest.Sink() {
          @Override
          public void scored(int chunk, BatchScoreGuest.Chunk rows, double[] p) {}

          @Override
          public void finished(long rows, int chunks) {}
        });
    guest.start();
    assertThat(sent).singleElement().isEqualTo(new ScoreChunk("s", 0, List.of("a", "b")));
    assertThatThrownBy(() -> guest.onPart("x", new LrBatchScorer.Part("s", 0, new double[2])))
        .hasMessageContaining("not a host");
    assertThatThrownBy(() -> guest.onPart("h", new LrBatchScorer.Part("s", 1, new double[2])))
        .hasMessageContaining("chunk 1 while chunk 0");
    assertThatThrownBy(() -> guest.onPart("h", new LrBatchScorer.Part("s", 0, new double[3])))
        .hasMessageContaining("3 partial scores for 2 rows");
    assertThatThrownBy(() -> new LrBatchScorer(share("h", 1, false)).combine(new double[1][1], Map.of()))
        .hasMessageContaining("only the guest");
    assertThatThrownBy(() -> new LrBatchScorer(g).hostPart("s", 0, new double[1][1]))
        .hasMessageContaining("cannot score as a host");
  }

  /**
   * Random tree shares of a guest with {@code gf} columns and hosts h1 (4 columns), h2 (2): full
   * trees of depth 3 whose inner nodes belong to the guest or a host at random; each host keeps the
   * feature and threshold of its nodes, the guest only the owner's id.
   */
  private static Map<String, BoostModelShare> treeShares(int trees, int gf) {
    Map<String, Integer> hostFeatures = Map.of("h1", 4, "h2", 2);
    List<List<BoostModelShare.Node>> guestTrees = new ArrayList<>();
    Map<String, List<BoostModelShare.Split>> splits = new HashMap<>(Map.of("h1", new ArrayList<>(), "h2",
        new ArrayList<>()));
    for (int t = 0; t < trees; t++) {
      List<BoostModelShare.Node> nodes = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        if (i >= 7) {
          nodes.add(new BoostModelShare.Node("LEAF", RANDOM.nextGaussian() * 0.3, null, null, null));
        } else if (RANDOM.nextInt(3) == 0) {
          nodes.add(new BoostModelShare.Node("GUEST", null, RANDOM.nextInt(gf), RANDOM.nextGaussian(), null));
        } else {
          String h = RANDOM.nextBoolean() ? "h1" : "h2";
          nodes.add(new BoostModelShare.Node("HOST", null, null, null, h));
          splits.get(h).add(new BoostModelShare.Split(t, i, RANDOM.nextInt(hostFeatures.get(h)),
              RANDOM.nextGaussian() * 2));
        }
      }
      guestTrees.add(nodes);
    }
    List<String> gNames = new ArrayList<>();
    for (int j = 0; j < gf; j++) {
      gNames.add("g_f" + j);
    }
    Map<String, BoostModelShare> m = new HashMap<>();
    m.put("g", new BoostModelShare("guest", gNames, -0.4, guestTrees, List.of()));
    for (String h : List.of("h1", "h2")) {
      List<String> names = new ArrayList<>();
      for (int j = 0; j < hostFeatures.get(h); j++) {
        names.add(h + "_f" + j);
      }
      m.put(h, new BoostModelShare("host", names, 0, List.of(), splits.get(h)));
    }
    return m;
  }

  @Test
  void treeSharesScoreEveryRowInChunksAsTheAssembledBoostedModel() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_003; i++) {
      ids.add("c" + i);
    }
    Map<String, BoostModelShare> shares = treeShares(4, 3);
    Map<String, double[]> gx = rows(ids, 3);
    Map<String, double[]> h1x = rows(ids, 4);
    Map<String, double[]> h2x = rows(ids, 2);
    Net net = new Net();
    List<Object> parts = new ArrayList<>();
    net.hosts.put("h1", new BatchScoreHost("h1", "s", "g", "aligned", new SbtBatchScorer(shares.get("h1")),
        want -> pick(h1x, want), (to, m) -> {
          parts.add(m);
          net.from("h1").send(to, m);
        }));
    net.hosts.put("h2", new BatchScoreHost("h2", "s", "g", "aligned", new SbtBatchScorer(shares.get("h2")),
        want -> pick(h2x, want), net.from("h2")));
    List<String> outIds = new ArrayList<>();
    List<Double> outP = new ArrayList<>();
    net.guest = new BatchScoreGuest("s", List.of("h1", "h2"), new SbtBatchScorer(shares.get("g")), rowsOf(ids, gx),
        100, net.from("g"), new BatchScoreGuest.Sink() {
          @Override
          public void scored(int chunk, BatchScoreGuest.Chunk rows, double[] p) {
            outIds.addAll(rows.ids());
            for (double v : p) {
              outP.add(v);
            }
          }

          @Override
          public void finished(long rows, int chunks) {}
        });
    net.guest.start();
    net.run();

    assertThat(net.guest.finished()).isTrue();
    assertThat(outIds).isEqualTo(ids);
    assertThat(net.chunkMessages).isEqualTo(2 * 11);
    SbtBatchScorer.Part first = (SbtBatchScorer.Part) parts.get(0);
    assertThat(first.routes()).hasSize(shares.get("h1").splits().size());
    double lo = 1;
    double hi = 0;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      double want = BoostModelShare.assembledProbability(shares.get("g"), gx.get(id),
          Map.of("h1", shares.get("h1"), "h2", shares.get("h2")), Map.of("h1", h1x.get(id), "h2", h2x.get(id)));
      assertThat(outP.get(i)).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9));
      lo = Math.min(lo, want);
      hi = Math.max(hi, want);
    }
    assertThat(hi - lo).as("the trees separate rows").isGreaterThan(0.1);
  }

  @Test
  void treeSharesOfRegressionAndMulticlassModelsPredictWithTheirObjective() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add("c" + i);
    }
    Map<String, BoostModelShare> shares = treeShares(6, 3);
    BoostModelShare g = shares.get("g");
    Map<String, double[]> gx = rows(ids, 3);
    Map<String, double[]> h1x = rows(ids, 4);
    Map<String, double[]> h2x = rows(ids, 2);
    double[][] guestRows = ids.stream().map(gx::get).toArray(double[][]::new);
    Map<String, ChunkPart> parts = Map.of(
        "h1", new SbtBatchScorer(shares.get("h1")).hostPart("s", 0, ids.stream().map(h1x::get).toArray(double[][]::new)),
        "h2", new SbtBatchScorer(shares.get("h2")).hostPart("s", 0, ids.stream().map(h2x::get).toArray(double[][]::new)));
    Map<String, BoostModelShare> hosts = Map.of("h1", shares.get("h1"), "h2", shares.get("h2"));

    double[] regression = new SbtBatchScorer(new BoostModelShare("guest", g.features(), g.baseScore(), g.trees(),
        List.of(), "regression")).combine(guestRows, parts);
    assertThat(regression).hasSize(ids.size());
    for (int k = 0; k < ids.size(); k++) {
      String id = ids.get(k);
      assertThat(regression[k]).as("the summed margin of row %d", k)
          .isCloseTo(margin(g, gx.get(id), hosts, h1x.get(id), h2x.get(id)), org.assertj.core.data.Offset.offset(1e-9));
    }

    int classes = 3;
    double[] multi = new SbtBatchScorer(new BoostModelShare("guest", g.features(), 0, g.trees(), List.of(),
        "multiclass:3")).combine(guestRows, parts);
    assertThat(multi).hasSize(ids.size() * classes);
    for (int k = 0; k < ids.size(); k++) {
      String id = ids.get(k);
      double[] z = new double[classes];
      for (int c = 0; c < classes; c++) {
        List<List<BoostModelShare.Node>> only = new ArrayList<>(); // the trees of class c (tree t adds to class t mod K)
        for (int t = 0; t < g.trees().size(); t++) {
          only.add(t % classes == c ? g.trees().get(t) : List.of(new BoostModelShare.Node("LEAF", 0.0, null, null, null)));
        }
        z[c] = margin(new BoostModelShare("guest", g.features(), 0, only, List.of()), gx.get(id), hosts, h1x.get(id),
            h2x.get(id));
      }
      double max = Math.max(z[0], Math.max(z[1], z[2]));
      double sum = Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max);
      for (int c = 0; c < classes; c++) {
        assertThat(multi[k * classes + c]).as("P(class %d) of row %d", c, k)
            .isCloseTo(Math.exp(z[c] - max) / sum, org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  /** The binary model's margin (log-odds of its assembled probability). */
  private static double margin(BoostModelShare guest, double[] g, Map<String, BoostModelShare> hosts, double[] h1,
      double[] h2) {
    double p = BoostModelShare.assembledProbability(guest, g, hosts, Map.of("h1", h1, "h2", h2));
    return Math.log(p / (1 - p));
  }

  @Test
  void aTreePartMissingANodeOrOfTheWrongLengthFailsNamingTheHostAndATreeShareKeepsItsRole() {
    Map<String, BoostModelShare> shares = treeShares(2, 2);
    SbtBatchScorer guest = new SbtBatchScorer(shares.get("g"));
    double[][] g = {{0.1, 0.2}, {0.3, -1}};
    SbtBatchScorer.Part p1 = (SbtBatchScorer.Part) new SbtBatchScorer(shares.get("h1"))
        .hostPart("s", 0, new double[][] {{1, 2, 3, 4}, {0, 0, 0, 0}});
    SbtBatchScorer.Part p2 = (SbtBatchScorer.Part) new SbtBatchScorer(shares.get("h2"))
        .hostPart("s", 0, new double[][] {{1, 2}, {0, 0}});
    assertThat(guest.combine(g, Map.of("h1", p1, "h2", p2))).hasSize(2);
    String missing = shares.get("h1").splits().isEmpty() ? "h2" : "h1";
    Map<String, ChunkPart> lacking = new HashMap<>(Map.of("h1", p1, "h2", p2));
    lacking.put(missing, new SbtBatchScorer.Part("s", 0, List.of()));
    assertThatThrownBy(() -> guest.combine(g, lacking)).hasMessageContaining("host " + missing + " sent no route");
    assertThatThrownBy(() -> guest.combine(new double[][] {{0.1, 0.2}}, Map.of("h1", p1, "h2", p2)))
        .hasMessageContaining("for 1 rows");
    assertThatThrownBy(() -> guest.combine(g, Map.of("h1", new LrBatchScorer.Part("s", 0, new double[2]))))
        .hasMessageContaining("to a tree scoring job");
    assertThatThrownBy(() -> guest.hostPart("s", 0, g)).hasMessageContaining("cannot score as a host");
    assertThatThrownBy(() -> new SbtBatchScorer(shares.get("h1")).combine(new double[0][4], Map.of()))
        .hasMessageContaining("only the guest");
    assertThatThrownBy(() -> new SbtBatchScorer(new BoostModelShare("host", List.of("a"), 0, List.of(),
        List.of(new BoostModelShare.Split(0, 0, 3, 1.0))))).hasMessageContaining("reads column 3 of 1");
  }
}
