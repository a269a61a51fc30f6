package io.fedge.federation.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedge.federation.crypto.paillier.ModArith;
import io.fedge.federation.vertical.InMemoryTransport.Delivery;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SecureBoost-style trees over the in-memory transport on FATE's hetero splits, against a plain
 * centralised GBDT (CentralGbdt, written in the test) with the same depth, trees, bins and shrinkage.
 * The Paillier key is 1024 bits here to keep the test short; the code path is the 2048-bit one.
 */
class VerticalBoostingTest {
  private record Run(InMemoryTransport transport, BoostGuest guest, BoostHost host) {}

  private static Run train(FateSplit data, TreeConfig config) {
    InMemoryTransport t = new InMemoryTransport();
    BoostGuest guest = new BoostGuest("guest", "job-t", config, data.guestTrain(), List.of("host"),
        t.outbox("guest"), ModArith.best());
    BoostHost host = new BoostHost("host", "guest", data.hostTrain(), t.outbox("host"));
    t.register(guest);
    t.register(host);
    guest.start();
    t.runUntilIdle();
    assertThat(guest.trained()).isTrue();
    assertThat(guest.trees()).hasSize(config.trees());
    guest.useScoringTable(data.guestTest().features());
    host.useScoringTable(data.hostTest());
    return new Run(t, guest, host);
  }

  private static double[] score(Run run, List<String> ids) {
    run.transport().outbox("hub").send("guest", new BoostMessages.ScoreRequest("job-t", "r", ids, false));
    run.transport().runUntilIdle();
    return run.guest().result("r");
  }

  private static void assertMatchesCentral(String name, TreeConfig config) throws Exception {
    FateSplit data = FateSplit.load(name, 0.25, 11L);
    long start = System.nanoTime();
    Run run = train(data, config);
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] vertical = score(run, data.guestTest().features().ids());
    CentralGbdt central = new CentralGbdt(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), config.trees(), config.maxDepth(), config.learningRate(), config.bins(),
        config.lambda(), config.minChildWeight());
    double[] reference = central.scores(FateSplit.joined(data.guestTest(), data.hostTest()));
    double[] xgboost = XgboostReference.scores(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), FateSplit.joined(data.guestTest(), data.hostTest()), config);
    int[] y = data.guestTest().labels();
    double aucVertical = BinaryMetrics.auc(vertical, y);
    double aucCentral = BinaryMetrics.auc(reference, y);
    double aucXgboost = BinaryMetrics.auc(xgboost, y);
    System.out.printf("%s vertical trees AUC %.4f vs XGBoost hist %.4f, textbook GBDT %.4f (%.1f s for %d trees)%n",
        name, aucVertical, aucXgboost, aucCentral, seconds, config.trees());
    assertThat(Math.abs(aucVertical - aucXgboost)).as("vertical vs XGBoost").isLessThanOrEqualTo(0.01);
    assertThat(Math.abs(aucVertical - aucCentral)).as("vertical vs textbook GBDT").isLessThanOrEqualTo(0.01);
    assertHostSawOnlyCiphertextsAndRows(run.transport(), config.keyBits());
  }

  @Test
  void breastVerticalTreesMatchCentralGradientBoostingWithinOneHundredth() throws Exception {
    assertMatchesCentral("breast", TreeConfig.of(5, 3, 0.3, 16).withKeyBits(1024));
  }

  @Test
  void defaultCreditVerticalTreesMatchCentralGradientBoostingWithinOneHundredth() throws Exception {
    assertMatchesCentral("default_credit", TreeConfig.of(2, 3, 0.3, 16).withKeyBits(1024));
  }

  @Test
  void onlineScoreOfOneRowEqualsTheAssembledCentralModel() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 5L);
    Run run = train(data, TreeConfig.of(3, 3, 0.3, 8).withKeyBits(1024));
    String id = data.guestTest().features().ids().get(7);
    double online = score(run, List.of(id))[0];
    // Assemble the split model in one place: the guest's trees with the host's thresholds filled in.
    Map<Long, BoostHost.HostSplit> hostSplits = run.host().modelShare();
    int row = data.guestTest().features().indexOf(id);
    double[] hostRow = data.hostTest().row(row);
    double z = run.guest().baseScore();
    List<BoostTree> trees = run.guest().trees();
    for (int t = 0; t < trees.size(); t++) {
      int tt = t;
      z += trees.get(t).leafWeight(data.guestTest().features().row(row), (host, node) -> {
        BoostHost.HostSplit s = hostSplits.get(BoostHost.key(tt, node));
        return hostRow[s.feature()] <= s.threshold();
      });
    }
    assertThat(online).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-15));
    assertThat(hostSplits).isNotEmpty(); // the host owns splits, so routing really crossed parties

    // the shares as the parties keep them on disk (JSON files) assemble to the same model
    BoostModelShare guestShare = roundTrip(BoostModelShare.ofGuest(data.guestTrain().features().features(),
        run.guest().baseScore(), trees));
    BoostModelShare hostShare = roundTrip(BoostModelShare.ofHost(data.hostTrain().features(), hostSplits));
    assertThat(BoostModelShare.assembledProbability(guestShare, data.guestTest().features().row(row),
        Map.of("host", hostShare), Map.of("host", hostRow))).isCloseTo(online, within(1e-15));
    assertThat(hostShare.splits()).hasSize(hostSplits.size());
    // the guest's share names the host at host nodes, never a feature or threshold of it
    assertThat(guestShare.trees().stream().flatMap(List::stream).filter(n -> n != null && "HOST".equals(n.kind())))
        .isNotEmpty().allMatch(n -> "host".equals(n.host()) && n.feature() == null && n.threshold() == null);
  }

  @Test
  void partiesRestoredFromTheirKeptSharesScoreASessionAsTheTrainedParties() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 5L);
    Run run = train(data, TreeConfig.of(3, 3, 0.3, 8).withKeyBits(1024));
    List<String> ids = data.guestTest().features().ids();
    double[] online = score(run, ids);
    BoostModelShare guestShare = roundTrip(BoostModelShare.ofGuest(data.guestTrain().features().features(),
        run.guest().baseScore(), run.guest().trees()));
    BoostModelShare hostShare = roundTrip(BoostModelShare.ofHost(data.hostTrain().features(), run.host().modelShare()));

    // a fresh session after a restart: nothing of the trained parties but the shares on disk
    InMemoryTransport t = new InMemoryTransport();
    Map<String, double[]> results = new java.util.HashMap<>();
    t.register(new VerticalEndpoint() {
      @Override
      public String partyId() {
        return "hub";
      }

      @Override
      public void receive(String from, VerticalMessage m) {
        assertThat(from).isEqualTo("guest");
        BoostMessages.ScoreResult r = (BoostMessages.ScoreResult) m;
        results.put(r.requestId(), r.scores());
      }
    });
    t.register(new BoostScoringParty("guest", "session-1", "guest", List.of("host"), guestShare,
        data.guestTest().features(), t.outbox("guest")));
    t.register(new BoostScoringParty("host", "session-1", "guest", List.of("host"), hostShare, data.hostTest(),
        t.outbox("host")));
    t.outbox("hub").send("guest", new BoostMessages.ScoreRequest("session-1", "s1", ids, true));
    t.runUntilIdle();
    assertThat(results.get("s1")).hasSize(ids.size());
    for (int k = 0; k < ids.size(); k++) {
      assertThat(results.get("s1")[k]).isCloseTo(online[k], within(1e-12));
    }
    // the host answered with decisions only: one per split node it owns, per requested row
    assertThat(t.deliveredTo("guest").stream().filter(d -> d.from().equals("host"))).singleElement().satisfies(d -> {
      BoostMessages.Routes r = (BoostMessages.Routes) d.message();
      assertThat(r.routes()).hasSize(hostShare.splits().size());
    });
    // a host does not take score requests, nor the guest routes from a stranger; an unknown id fails
    t.outbox("hub").send("host", new BoostMessages.ScoreRequest("session-1", "s2", ids, true));
    org.assertj.core.api.Assertions.assertThatThrownBy(t::runUntilIdle).hasMessageContaining("restored host takes no");
    t.outbox("hub").send("guest", new BoostMessages.ScoreRequest("session-1", "s3", List.of("nobody"), true));
    org.assertj.core.api.Assertions.assertThatThrownBy(t::runUntilIdle)
        .hasMessageContaining("no aligned row for a requested id");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BoostScoringParty("guest", "session-1", "guest",
        List.of("host"), hostShare, data.hostTest(), t.outbox("guest"))).hasMessageContaining("kept a host share");
  }

  private static BoostModelShare roundTrip(BoostModelShare s) throws Exception {
    byte[] json = io.fedge.federation.wire.WireCodec.mapper().writeValueAsBytes(s);
    return io.fedge.federation.wire.WireCodec.mapper().readValue(json, BoostModelShare.class);
  }

  /** The host receives ciphertexts, row indices and split ids; never a gradient, label or leaf weight. */
  private static void assertHostSawOnlyCiphertextsAndRows(InMemoryTransport t, int keyBits) {
    Set<Class<?>> allowed = Set.of(BoostMessages.Setup.class, BoostMessages.EncryptedGradients.class,
        BoostMessages.HistogramRequest.class, BoostMessages.SplitDecision.class, BoostMessages.Done.class,
        BoostMessages.RouteRequest.class);
    List<Delivery> toHost = t.deliveredTo("host");
    int ciphertexts = 0;
    for (Delivery d : toHost) {
      assertThat(allowed).contains(d.message().getClass());
      if (d.message() instanceof BoostMessages.EncryptedGradients e) {
        for (byte[] c : e.ciphertexts()) {
          ciphertexts++;
          // an element of Z_{n^2}: about 2·keyBits bits, never a small packed plaintext
          assertThat(c.length * 8).isGreaterThan(2 * keyBits - 64);
        }
      }
    }
    assertThat(ciphertexts).isGreaterThan(0);
  }
}
