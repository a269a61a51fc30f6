package io.fedge.federation.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedge.federation.crypto.paillier.ModArith;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression and multiclass objectives of vertical LR and vertical trees on FATE's motor, student
 * and vehicle_scale hetero splits, against centralised references on the joined columns: Tribuo's
 * least squares (LARS to the full model) and multinomial logistic regression, and CentralGbdt.
 */
class VerticalObjectivesTest {
  private record LrRun(InMemoryTransport transport, LrArbiter arbiter, LrGuest guest, LrHost host) {}

  private static LrRun trainLr(FateSplit data, LrConfig config) {
    InMemoryTransport t = new InMemoryTransport();
    LrArbiter arbiter = new LrArbiter("hub", "job-o", config, "guest", List.of("host"), t.outbox("hub"),
        new SecureRandom());
    LrGuest guest = new LrGuest("guest", "hub", data.guestTrain(), t.outbox("guest"));
    LrHost host = new LrHost("host", "hub", data.hostTrain(), t.outbox("host"));
    t.register(arbiter);
    t.register(guest);
    t.register(host);
    arbiter.start();
    t.runUntilIdle();
    assertThat(arbiter.done()).isTrue();
    arbiter.requestScores("train", data.guestTrain().features().ids());
    t.runUntilIdle();
    guest.useScoringTable(data.guestTest().features());
    host.useScoringTable(data.hostTest());
    arbiter.requestScores("test", data.guestTest().features().ids());
    t.runUntilIdle();
    return new LrRun(t, arbiter, guest, host);
  }

  private static double[] trainTreesAndScore(FateSplit data, TreeConfig config) {
    InMemoryTransport t = new InMemoryTransport();
    BoostGuest guest = new BoostGuest("guest", "job-t", config, data.guestTrain(), List.of("host"),
        t.outbox("guest"), ModArith.best());
    BoostHost host = new BoostHost("host", "guest", data.hostTrain(), t.outbox("host"));
    t.register(guest);
    t.register(host);
    guest.start();
    t.runUntilIdle();
    assertThat(guest.trained()).isTrue();
    assertThat(guest.trees()).hasSize(config.trees() * config.objective().models());
    assertThat(host.modelShare()).isNotEmpty(); // the host's columns really took part
    guest.useScoringTable(data.guestTest().features());
    host.useScoringTable(data.hostTest());
    t.outbox("hub").send("guest", new BoostMessages.ScoreRequest("job-t", "r", data.guestTest().features().ids(),
        false));
    t.runUntilIdle();
    return guest.result("r");
  }

  private static LrConfig linear(int epochs, int batch) {
    return LrConfig.defaults(epochs, batch).withObjective(Objective.REGRESSION).withValidation(0, 1);
  }

  private static void assertLinearMatchesLeastSquares(String name, LrConfig config) throws Exception {
    FateSplit data = FateSplit.load(name, 0.25, 11L);
    LrRun run = trainLr(data, config);
    double[] vertical = run.arbiter().scoreResult("test");
    double[] y = data.guestTest().targets();
    double[] reference = new CentralLinear(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().targets()).predictions(FateSplit.joined(data.guestTest(), data.hostTest()));
    double rmse = RegressionMetrics.rmse(vertical, y);
    double rmseCentral = RegressionMetrics.rmse(reference, y);
    // on the training rows least squares is the optimum: the vertical model must come within 1% of it
    CentralLinear ols = new CentralLinear(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().targets());
    double trainRmse = RegressionMetrics.rmse(run.arbiter().scoreResult("train"), data.guestTrain().targets());
    double trainRmseCentral = RegressionMetrics.rmse(
        ols.predictions(FateSplit.joined(data.guestTrain(), data.hostTrain())), data.guestTrain().targets());
    System.out.printf("%s vertical linear test RMSE %.4f MAE %.4f R2 %.4f (epochs %d) vs Tribuo OLS %.4f R2 %.4f;"
        + " train RMSE %.4f vs %.4f%n", name, rmse, RegressionMetrics.mae(vertical, y),
        RegressionMetrics.r2(vertical, y), run.arbiter().history().size(), rmseCentral,
        RegressionMetrics.r2(reference, y), trainRmse, trainRmseCentral);
    assertThat(trainRmse).isBetween(trainRmseCentral * (1 - 1e-9), trainRmseCentral * 1.01);
    assertThat(rmse).isCloseTo(rmseCentral, within(rmseCentral * 0.03));
    VerticalLogisticRegressionTest.assertHostLearnedNoLabels(run.transport());
  }

  @Test
  void motorVerticalLinearRegressionIsWithinOnePercentOfLeastSquaresRmse() throws Exception {
    assertLinearMatchesLeastSquares("motor", linear(800, 300).withLearningRate(0.05));
  }

  @Test
  void studentVerticalLinearRegressionIsWithinOnePercentOfLeastSquaresRmse() throws Exception {
    assertLinearMatchesLeastSquares("student", linear(300, 128).withLearningRate(0.01));
  }

  @Test
  void vehicleOneVsRestLrAccuracyIsWithinTwoHundredthsOfCentralMultinomial() throws Exception {
    FateSplit data = FateSplit.load("vehicle_scale", 0.25, 11L);
    LrRun run = trainLr(data, LrConfig.defaults(60, 32).withObjective(Objective.multiclass(4)).withValidation(0.1, 5));
    double[] probabilities = run.arbiter().scoreResult("test");
    int[] y = data.guestTest().labels();
    assertThat(probabilities).hasSize(4 * y.length);
    int[] predicted = MulticlassMetrics.argmax(probabilities, 4);
    int[] reference = new CentralLogistic(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), 60, 7L).classes(FateSplit.joined(data.guestTest(), data.hostTest()));
    double accuracy = MulticlassMetrics.accuracy(predicted, y);
    double central = MulticlassMetrics.accuracy(reference, y);
    System.out.printf("vehicle vertical one-vs-rest LR accuracy %.4f macro-F1 %.4f (epochs %d) vs Tribuo %.4f%n",
        accuracy, MulticlassMetrics.macroF1(predicted, y, 4), run.arbiter().history().size(), central);
    assertThat(accuracy).isGreaterThanOrEqualTo(central - 0.02);
    VerticalLogisticRegressionTest.assertHostLearnedNoLabels(run.transport());
  }

  @Test
  void multiclassOnlineScoreIsTheSoftmaxOfTheSharesClassScores() throws Exception {
    FateSplit data = FateSplit.load("vehicle_scale", 0.25, 3L);
    LrRun run = trainLr(data, LrConfig.defaults(5, 32).withObjective(Objective.multiclass(4)));
    String id = data.guestTest().features().ids().get(9);
    run.arbiter().requestScores("one", List.of(id));
    run.transport().runUntilIdle();
    double[] online = run.arbiter().scoreResult("one");
    LrModelShare g = run.guest().modelShare();
    LrModelShare h = run.host().modelShare();
    assertThat(g.models()).isEqualTo(4);
    int row = data.guestTest().features().indexOf(id);
    double[] z = new double[4];
    double sum = 0;
    for (int c = 0; c < 4; c++) {
      z[c] = g.partialScore(data.guestTest().features().row(row), c) + h.partialScore(data.hostTest().row(row), c);
      sum += Math.exp(z[c]);
    }
    for (int c = 0; c < 4; c++) {
      assertThat(online[c]).isCloseTo(Math.exp(z[c]) / sum, within(1e-12));
    }
  }

  private static TreeConfig trees(int rounds, Objective objective) {
    return TreeConfig.of(rounds, 3, 0.3, 16).withKeyBits(1024).withObjective(objective);
  }

  private static void assertTreesRegressionMatchesCentral(String name, TreeConfig config) throws Exception {
    FateSplit data = FateSplit.load(name, 0.25, 11L);
    double[] vertical = trainTreesAndScore(data, config);
    double[] reference = new CentralGbdt(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().targets(), Objective.REGRESSION, config.trees(), config.maxDepth(), config.learningRate(),
        config.bins(), config.lambda(), config.minChildWeight()).scores(FateSplit.joined(data.guestTest(),
        data.hostTest()));
    double[] y = data.guestTest().targets();
    double rmse = RegressionMetrics.rmse(vertical, y);
    double rmseCentral = RegressionMetrics.rmse(reference, y);
    System.out.printf("%s vertical trees RMSE %.4f R2 %.4f vs central GBDT RMSE %.4f R2 %.4f%n", name, rmse,
        RegressionMetrics.r2(vertical, y), rmseCentral, RegressionMetrics.r2(reference, y));
    assertThat(rmse).isCloseTo(rmseCentral, within(rmseCentral * 0.01));
  }

  @Test
  void motorVerticalTreesRegressionIsWithinOnePercentOfCentralGbdtRmse() throws Exception {
    assertTreesRegressionMatchesCentral("motor", trees(5, Objective.REGRESSION));
  }

  @Test
  void studentVerticalTreesRegressionIsWithinOnePercentOfCentralGbdtRmse() throws Exception {
    assertTreesRegressionMatchesCentral("student", trees(5, Objective.REGRESSION));
  }

  @Test
  void vehicleSoftmaxTreesAccuracyIsWithinTwoHundredthsOfCentralGbdt() throws Exception {
    FateSplit data = FateSplit.load("vehicle_scale", 0.25, 11L);
    TreeConfig config = trees(3, Objective.multiclass(4));
    double[] vertical = trainTreesAndScore(data, config);
    double[] reference = new CentralGbdt(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().targets(), config.objective(), config.trees(), config.maxDepth(), config.learningRate(),
        config.bins(), config.lambda(), config.minChildWeight()).scores(FateSplit.joined(data.guestTest(),
        data.hostTest()));
    int[] y = data.guestTest().labels();
    double accuracy = MulticlassMetrics.accuracy(MulticlassMetrics.argmax(vertical, 4), y);
    double central = MulticlassMetrics.accuracy(MulticlassMetrics.argmax(reference, 4), y);
    System.out.printf("vehicle vertical softmax trees accuracy %.4f macro-F1 %.4f vs central GBDT %.4f%n", accuracy,
        MulticlassMetrics.macroF1(MulticlassMetrics.argmax(vertical, 4), y, 4), central);
    assertThat(Math.abs(accuracy - central)).isLessThanOrEqualTo(0.02);
  }

  @Test
  void labelsThatDoNotFitTheObjectiveAreRefusedByTheGuest() throws Exception {
    FateSplit student = FateSplit.load("student", 0.25, 11L);
    // grades 0..20 are not 0/1 labels
    assertThatThrownBy(() -> trainLr(student, LrConfig.defaults(2, 32)))
        .isInstanceOf(VerticalException.class).hasMessageContaining("binary labels must be 0 or 1");
    FateSplit vehicle = FateSplit.load("vehicle_scale", 0.25, 11L);
    assertThatThrownBy(() -> trainLr(vehicle, LrConfig.defaults(2, 32).withObjective(Objective.multiclass(3))))
        .isInstanceOf(VerticalException.class).hasMessageContaining("multiclass labels must be integers 0..2");
  }

  @Test
  void objectivesParseFromTheirWireNamesAndRefuseNonsense() {
    assertThat(Objective.parse("binary")).isEqualTo(Objective.BINARY);
    assertThat(Objective.parse("regression").models()).isEqualTo(1);
    assertThat(Objective.parse("multiclass:4")).isEqualTo(Objective.multiclass(4));
    assertThat(Objective.multiclass(4).toString()).isEqualTo("multiclass:4");
    assertThatThrownBy(() -> Objective.parse("multiclass:2")).hasMessageContaining("use binary for 2");
    assertThatThrownBy(() -> Objective.parse("poisson")).hasMessageContaining("binary, regression or multiclass:K");
    assertThatThrownBy(() -> Objective.parse("multiclass:x")).hasMessageContaining("must be an integer");
  }

  @Test
  void theObjectiveTravelsWithEachConfigurationOverTheWire() {
    LrConfig lr = LrConfig.defaults(3, 32).withObjective(Objective.multiclass(4));
    Object decoded = io.fedge.federation.vertical.relay.VerticalCodec.decode(io.fedge.federation.vertical.relay
        .VerticalCodec.encode(new LrMessages.Setup("job", lr, "g", List.of("h"), java.util.Map.of(), java.util.Map.of())));
    assertThat(((LrMessages.Setup) decoded).config()).isEqualTo(lr);
    TreeConfig trees = TreeConfig.of(2, 2, 0.3, 8).withObjective(Objective.REGRESSION);
    Object decodedTrees = io.fedge.federation.vertical.relay.VerticalCodec.decode(io.fedge.federation.vertical.relay
        .VerticalCodec.encode(new BoostMessages.Setup("job", trees, List.of("h"), new byte[] {1}, 5, "d")));
    assertThat(((BoostMessages.Setup) decodedTrees).config().objective()).isEqualTo(Objective.REGRESSION);
  }

  @Test
  void metricsOfEachObjectiveMatchHandComputedValues() {
    double[] y = {1, 2, 3, 4};
    double[] p = {1, 2, 3, 6};
    assertThat(RegressionMetrics.rmse(p, y)).isCloseTo(1.0, within(1e-12));
    assertThat(RegressionMetrics.mae(p, y)).isCloseTo(0.5, within(1e-12));
    assertThat(RegressionMetrics.r2(p, y)).isCloseTo(1 - 4 / 5.0, within(1e-12));
    int[] labels = {0, 0, 1, 1, 2, 2};
    int[] predicted = {0, 1, 1, 1, 2, 0};
    // class 0: tp 1 fp 1 fn 1 -> 0.5; class 1: tp 2 fp 1 fn 0 -> 0.8; class 2: tp 1 fp 0 fn 1 -> 2/3
    assertThat(MulticlassMetrics.macroF1(predicted, labels, 3)).isCloseTo((0.5 + 0.8 + 2 / 3.0) / 3, within(1e-12));
    assertThat(MulticlassMetrics.accuracy(predicted, labels)).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(Objective.multiclass(3).testMetrics(new double[] {0.2, 0.7, 0.1, 0.6, 0.3, 0.1}, new double[] {1, 0}))
        .containsEntry("test_accuracy", 1.0).containsKey("test_macro_f1");
    assertThat(Objective.REGRESSION.testMetrics(p, y)).containsOnlyKeys("test_rmse", "test_mae", "test_r2");
  }
}
