package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model's hand-written gradient agrees with central finite differences of its loss. */
class GradientCheckTest {

  static List<ModelSpec> specs() {
    return List.of(
        ModelSpec.logistic(),
        ModelSpec.softmax(2),
        ModelSpec.softmax(4),
        ModelSpec.mlp(2, 7, 5),
        ModelSpec.mlp(2, 8, 6, 4),
        ModelSpec.mlp(3, 9, 5),
        ModelSpec.mlp(4, 10, 6, 5, 3));
  }

  static Table randomTable(int rows, int cols, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[rows * cols];
    double[] y = new double[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(classes);
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < cols; j++) {
      names.add("f" + j);
    }
    return new Table(rows, cols, x, y, names);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void analyticGradientMatchesFiniteDifferences(ModelSpec spec) {
    int d = 6;
    Table t = randomTable(40, d, spec.classes(), 42);
    Model m = Models.create(spec, d);
    SplittableRandom r = new SplittableRandom(3);
    double[] p = m.parameters();
    for (int i = 0; i < p.length; i++) {
      p[i] += 0.5 * r.nextGaussian();
    }
    m.setParameters(p);
    int[] rows = {3, 1, 4, 1, 5, 9, 2, 6, 35, 17, 8, 0};
    double[] grad = new double[m.parameterCount()];
    double loss = m.lossAndGradient(t, rows, 1, rows.length, grad);
    assertThat(loss).isPositive().isFinite();
    double h = 1e-5;
    double[] scratch = new double[m.parameterCount()];
    double worst = 0;
    for (int i = 0; i < p.length; i++) {
      double[] q = p.clone();
      q[i] = p[i] + h;
      m.setParameters(q);
      double up = m.lossAndGradient(t, rows, 1, rows.length, scratch);
      q[i] = p[i] - h;
      m.setParameters(q);
      double down = m.lossAndGradient(t, rows, 1, rows.length, scratch);
      double numeric = (up - down) / (2 * h);
      double err = Math.abs(numeric - grad[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(grad[i]));
      worst = Math.max(worst, err);
    }
    assertThat(worst).as("worst relative gradient error of %s", spec).isLessThan(1e-5);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void lossIsTheMeanCrossEntropyOfThePredictions(ModelSpec spec) {
    int d = 5;
    Table t = randomTable(30, d, spec.classes(), 7);
    Model m = Models.create(spec, d);
    double[] p = m.parameters();
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < p.length; i++) {
      p[i] += 0.3 * r.nextGaussian();
    }
    m.setParameters(p);
    double[] out = m.predict(t);
    double expected = 0;
    for (int i = 0; i < t.rows(); i++) {
      int y = (int) t.y()[i];
      double py = m.outputs() == 1 ? (y == 1 ? out[i] : 1 - out[i]) : out[i * m.outputs() + y];
      expected -= Math.log(py);
    }
    expected /= t.rows();
    int[] all = Table.permutation(t.rows(), 1);
    double loss = m.lossAndGradient(t, all, 0, all.length, new double[m.parameterCount()]);
    assertThat(loss).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
  }
}
