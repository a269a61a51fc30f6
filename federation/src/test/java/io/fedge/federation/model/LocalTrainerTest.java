package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {

  static Table breastTrain() {
    return Table.concat(List.of(FateData.read("breast_homo_guest.csv"),
        FateData.read("breast_homo_host.csv")));
  }

  @Test
  void trainingIsDeterministicForASeedAndLowersTheLoss() {
    Table t = breastTrain();
    Model a = Models.create(ModelSpec.logistic(), t.cols());
    Model b = Models.create(ModelSpec.logistic(), t.cols());
    TrainParams p = new TrainParams(3, 32, 0.05, 1e-3, 0, 42);
    TrainResult ra = LocalTrainer.train(a, t, p, null);
    TrainResult rb = LocalTrainer.train(b, t, p, null);
    assertThat(ra.parameters()).containsExactly(rb.parameters());
    assertThat(ra.samples()).isEqualTo(t.rows());
    assertThat(ra.loss()).isLessThan(Math.log(2)); // the zero model's loss
    assertThat(a.parameters()).containsExactly(ra.parameters());
    TrainResult rc = LocalTrainer.train(Models.create(ModelSpec.logistic(), t.cols()), t,
        new TrainParams(3, 32, 0.05, 1e-3, 0, 43), null);
    assertThat(rc.parameters()).isNotEqualTo(ra.parameters());
  }

  @Test
  void proximalTermHoldsTheModelNearTheCenter() {
    Table t = breastTrain();
    double[] center = new double[t.cols() + 1];
    double free = norm(LocalTrainer.train(Models.create(ModelSpec.logistic(), t.cols()), t,
        new TrainParams(5, 32, 0.05, 0, 0, 1), center).parameters());
    double held = norm(LocalTrainer.train(Models.create(ModelSpec.logistic(), t.cols()), t,
        new TrainParams(5, 32, 0.05, 0, 5.0, 1), center).parameters());
    assertThat(held).isLessThan(0.3 * free);
    assertThatThrownBy(() -> LocalTrainer.train(Models.create(ModelSpec.logistic(), t.cols()), t,
        new TrainParams(1, 32, 0.05, 0, 1.0, 1), null)).hasMessageContaining("proxCenter");
  }

  @Test
  void l2ShrinksWeightsButNotTheBias() {
    // one feature of pure noise, labels 80% positive: the weight should go to ~0 under a strong
    // penalty while the bias still learns log(4)
    SplittableRandom r = new SplittableRandom(5);
    int n = 2000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
      y[i] = i % 5 == 0 ? 0 : 1;
    }
    Table t = new Table(n, 1, x, y, List.of("noise"));
    double[] w = LocalTrainer.train(Models.create(ModelSpec.logistic(), 1), t,
        new TrainParams(30, 50, 0.1, 1.0, 0, 2), null).parameters();
    assertThat(Math.abs(w[0])).isLessThan(0.02);
    assertThat(w[1]).isCloseTo(Math.log(4), org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void divergenceIsReportedWithAHint() {
    Table t = breastTrain();
    Model m = Models.create(ModelSpec.mlp(2, 1, 64), t.cols());
    assertThatThrownBy(() -> LocalTrainer.train(m, t, new TrainParams(5, 8, 1e6, 0, 0, 1), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lower the learning rate");
  }

  @Test
  void mlpLearnsANonLinearBoundaryThatLogisticRegressionCannot() {
    // XOR-like: label = sign(x0 * x1)
    SplittableRandom r = new SplittableRandom(8);
    int n = 4000;
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = r.nextDouble(-1, 1);
      x[2 * i + 1] = r.nextDouble(-1, 1);
      y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
    }
    Table t = new Table(n, 2, x, y, List.of("a", "b"));
    Table.Split s = t.split(0.25, 1);
    Model mlp = Models.create(ModelSpec.mlp(2, 3, 16, 8), 2);
    LocalTrainer.train(mlp, s.train(), new TrainParams(60, 32, 0.1, 0, 0, 1), null);
    Model lr = Models.create(ModelSpec.logistic(), 2);
    LocalTrainer.train(lr, s.train(), new TrainParams(60, 32, 0.1, 0, 0, 1), null);
    assertThat(Metrics.evaluate(mlp, s.test()).accuracy()).isGreaterThan(0.93);
    assertThat(Metrics.evaluate(lr, s.test()).accuracy()).isLessThan(0.65);
  }

  @Test
  void softmaxAndMulticlassMlpSeparateFourGaussianBlobs() {
    SplittableRandom r = new SplittableRandom(21);
    int n = 2000;
    double[][] centres = {{2, 2}, {-2, 2}, {-2, -2}, {2, -2}};
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      int k = i % 4;
      x[2 * i] = centres[k][0] + 0.8 * r.nextGaussian();
      x[2 * i + 1] = centres[k][1] + 0.8 * r.nextGaussian();
      y[i] = k;
    }
    Table.Split s = new Table(n, 2, x, y, List.of("a", "b")).split(0.25, 2);
    for (ModelSpec spec : List.of(ModelSpec.softmax(4), ModelSpec.mlp(4, 5, 12))) {
      Model m = Models.create(spec, 2);
      LocalTrainer.train(m, s.train(), new TrainParams(20, 32, 0.1, 0, 0, 3), null);
      MulticlassEvaluation e = Metrics.evaluateMulticlass(m, s.test());
      assertThat(e.accuracy()).as("%s", spec).isGreaterThan(0.93);
      assertThat(e.logLoss()).as("%s", spec).isLessThan(0.3);
    }
  }

  static double norm(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
