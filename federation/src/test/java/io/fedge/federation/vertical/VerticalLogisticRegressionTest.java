package io.fedge.federation.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedge.federation.vertical.InMemoryTransport.Delivery;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Vertical LR over the in-memory transport on FATE's hetero splits, against Tribuo on the joined data. */
class VerticalLogisticRegressionTest {

  private record Run(InMemoryTransport transport, LrArbiter arbiter, LrGuest guest, LrHost host) {}

  private static Run train(FateSplit data, LrConfig config) {
    InMemoryTransport t = new InMemoryTransport();
    LrArbiter arbiter = new LrArbiter("hub", "job-1", config, "guest", List.of("host"), t.outbox("hub"),
        new SecureRandom());
    LrGuest guest = new LrGuest("guest", "hub", data.guestTrain(), t.outbox("guest"));
    LrHost host = new LrHost("host", "hub", data.hostTrain(), t.outbox("host"));
    t.register(arbiter);
    t.register(guest);
    t.register(host);
    arbiter.start();
    t.runUntilIdle();
    assertThat(arbiter.done()).isTrue();
    guest.useScoringTable(data.guestTest().features());
    host.useScoringTable(data.hostTest());
    return new Run(t, arbiter, guest, host);
  }

  private static double[] scoreTestRows(Run run, FateSplit data) {
    run.arbiter().requestScores("test", data.guestTest().features().ids());
    run.transport().runUntilIdle();
    return run.arbiter().scoreResult("test");
  }

  private static void assertMatchesCentral(FateSplit data, LrConfig config, int centralEpochs) {
    Run run = train(data, config);
    double[] vertical = scoreTestRows(run, data);
    int[] yTest = data.guestTest().labels();
    CentralLogistic central = new CentralLogistic(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), centralEpochs, 7L);
    double[] reference = central.scores(FateSplit.joined(data.guestTest(), data.hostTest()));
    double aucVertical = BinaryMetrics.auc(vertical, yTest);
    double aucCentral = BinaryMetrics.auc(reference, yTest);
    System.out.printf("vertical LR AUC %.4f (epochs %d, best %d) vs Tribuo %.4f; KS %.3f acc %.3f lift10 %.2f%n",
        aucVertical, run.arbiter().history().size(), run.arbiter().bestEpoch(), aucCentral,
        BinaryMetrics.ks(vertical, yTest), BinaryMetrics.accuracy(vertical, yTest, 0.5),
        BinaryMetrics.lift(vertical, yTest, 0.1));
    assertThat(aucVertical).isGreaterThan(aucCentral - 0.01);
    assertHostLearnedNoLabels(run.transport());
  }

  @Test
  void breastVerticalLrReachesCentralAucWithinOneHundredth() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 11L);
    assertMatchesCentral(data, LrConfig.defaults(60, 64).withValidation(0.15, 5), 30);
  }

  @Test
  void defaultCreditVerticalLrReachesCentralAucWithinOneHundredth() throws Exception {
    FateSplit data = FateSplit.load("default_credit", 0.25, 11L);
    assertMatchesCentral(data, LrConfig.defaults(30, 1024).withLearningRate(0.01).withValidation(0.1, 4), 10);
  }

  @Test
  void onlineScoreOfOneRowEqualsTheCentralisedEquivalentModel() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 3L);
    Run run = train(data, LrConfig.defaults(20, 64));
    String id = data.guestTest().features().ids().get(5);
    run.arbiter().requestScores("one", List.of(id));
    run.transport().runUntilIdle();
    double online = run.arbiter().scoreResult("one")[0];
    // The centralised equivalent: both shares' weights applied to the joined row in one place.
    LrModelShare g = run.guest().modelShare();
    LrModelShare h = run.host().modelShare();
    int row = data.guestTest().features().indexOf(id);
    double z = g.partialScore(data.guestTest().features().row(row)) + h.partialScore(data.hostTest().row(row));
    assertThat(online).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-12));
  }

  @Test
  void misalignedRowsAreRefusedBeforeAnyFeatureLeavesAParty() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 3L);
    InMemoryTransport t = new InMemoryTransport();
    LrArbiter arbiter = new LrArbiter("hub", "job-2", LrConfig.defaults(5, 64), "guest", List.of("host"),
        t.outbox("hub"), new SecureRandom());
    t.register(arbiter);
    t.register(new LrGuest("guest", "hub", data.guestTrain(), t.outbox("guest")));
    t.register(new LrHost("host", "hub", data.hostTest(), t.outbox("host"))); // wrong rows
    arbiter.start();
    org.assertj.core.api.Assertions.assertThatThrownBy(t::runUntilIdle)
        .isInstanceOf(VerticalException.class).hasMessageContaining("different aligned rows");
    assertThat(t.deliveredTo("guest")).noneMatch(d -> d.message() instanceof LrMessages.MaskedFeatures);
  }

  /**
   * The host receives only masked or public values: no label, score or metric message, and every
   * ring element it gets from the guest looks uniform (a fixed-point feature or residual is below
   * 2^23 in magnitude; a uniform 64-bit value is below 2^40 with probability 2^-23).
   */
  static void assertHostLearnedNoLabels(InMemoryTransport t) {
    Set<Class<?>> allowed = Set.of(LrMessages.Setup.class, LrMessages.Plan.class, LrMessages.MaskedFeatures.class,
        LrMessages.BatchStart.class, LrMessages.CrossTerm.class, LrMessages.EvaluateValidation.class,
        LrMessages.EpochVerdict.class, LrMessages.ScoreRequest.class);
    List<Delivery> toHost = t.deliveredTo("host");
    assertThat(toHost).isNotEmpty();
    long values = 0;
    long small = 0;
    for (Delivery d : toHost) {
      assertThat(allowed).contains(d.message().getClass());
      long[] ring = null;
      if (d.message() instanceof LrMessages.MaskedFeatures m) {
        ring = m.values();
      } else if (d.message() instanceof LrMessages.CrossTerm c) {
        ring = c.maskedVector();
      }
      if (ring != null) {
        for (long v : ring) {
          values++;
          if (Math.abs(v) < (1L << 40)) {
            small++;
          }
        }
      }
    }
    assertThat(values).isGreaterThan(1000);
    assertThat(small).isLessThanOrEqualTo(values / 100_000 + 1);
  }
}
