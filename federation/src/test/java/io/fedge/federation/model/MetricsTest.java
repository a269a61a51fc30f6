package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;

class MetricsTest {

  @Test
  void handComputedBinaryCase() {
    double[] s = {0.1, 0.4, 0.35, 0.8};
    double[] y = {0, 0, 1, 1};
    Evaluation e = Metrics.evaluate(s, y);
    // pairs (pos, neg): (0.35,0.1) ok, (0.35,0.4) wrong, (0.8,*) ok: 3 of 4
    assertThat(e.auc()).isEqualTo(0.75);
    // thresholds 0.8: TPR .5 FPR 0; 0.4: .5/.5; 0.35: 1/.5; 0.1: 1/1
    assertThat(e.ks()).isEqualTo(0.5);
    // at 0.5 only 0.8 is called positive: rows 1,2,4 wrong? row 0 (0.1,0) right, 0.4/0 right,
    // 0.35/1 wrong, 0.8/1 right
    assertThat(e.accuracy()).isEqualTo(0.75);
    double ll = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    assertThat(e.logLoss()).isCloseTo(ll, offset(1e-12));
    // top 10% of 4 rows = 1 row (0.8, positive): rate 1 over base rate 0.5
    assertThat(e.liftAt10()).isEqualTo(2.0);
  }

  @Test
  void tiedScoresCountHalf() {
    Evaluation e = Metrics.evaluate(new double[] {0.5, 0.5, 0.5, 0.9}, new double[] {0, 1, 1, 0});
    // pos 0.5 vs neg 0.5: tie (0.5 each, two of them = 1), pos 0.5 vs neg 0.9: 0 -> 1 / 4
    assertThat(e.auc()).isEqualTo(0.25);
    Evaluation allTied = Metrics.evaluate(new double[] {0.3, 0.3, 0.3}, new double[] {0, 1, 0});
    assertThat(allTied.auc()).isEqualTo(0.5);
    assertThat(allTied.ks()).isEqualTo(0.0);
  }

  @Test
  void liftSharesTheTiedGroupAtTheCut() {
    // 20 rows, top 10% = 2 rows; the top 4 rows tie with 2 positives: 2 * 2/4 = 1 positive in
    // the cut, rate 0.5, base rate 5/20 = 0.25 -> lift 2
    double[] s = new double[20];
    double[] y = new double[20];
    for (int i = 0; i < 4; i++) {
      s[i] = 0.9;
    }
    y[0] = 1;
    y[1] = 1;
    y[10] = 1;
    y[11] = 1;
    y[12] = 1;
    for (int i = 4; i < 20; i++) {
      s[i] = 0.01 * i;
    }
    assertThat(Metrics.evaluate(s, y).liftAt10()).isCloseTo(2.0, offset(1e-12));
  }

  @Test
  void missingClassGivesNaNAucInsteadOfAnError() {
    Evaluation e = Metrics.evaluate(new double[] {0.2, 0.7}, new double[] {1, 1});
    assertThat(e.auc()).isNaN();
    assertThat(e.ks()).isNaN();
    assertThat(e.accuracy()).isEqualTo(0.5);
  }

  @Test
  void aucAgreesWithTribuoOnRandomScoresWithManyTies() {
    SplittableRandom r = new SplittableRandom(99);
    for (int trial = 0; trial < 20; trial++) {
      int n = 50 + r.nextInt(2000);
      double[] s = new double[n];
      double[] y = new double[n];
      boolean[] pos = new boolean[n];
      for (int i = 0; i < n; i++) {
        y[i] = r.nextDouble() < 0.3 ? 1 : 0;
        pos[i] = y[i] == 1;
        // rounded scores produce plenty of ties; shifted by the label so AUC is not 0.5
        s[i] = Math.round((r.nextDouble() + 0.3 * y[i]) * 20) / 20.0;
      }
      double tribuo = LabelEvaluationUtil.binaryAUCROC(pos, s);
      assertThat(Metrics.evaluate(s, y).auc()).isCloseTo(tribuo, offset(1e-12));
    }
  }

  @Test
  void rocRunsFromOriginToOneOneMonotonicallyAndIsDownsampled() {
    SplittableRandom r = new SplittableRandom(1);
    int n = 5000;
    double[] s = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(2);
      s[i] = r.nextDouble() + 0.5 * y[i];
    }
    List<RocPoint> roc = Metrics.roc(s, y);
    assertThat(roc).hasSizeLessThanOrEqualTo(Metrics.MAX_ROC_POINTS).hasSizeGreaterThan(100);
    assertThat(roc.get(0)).isEqualTo(new RocPoint(0, 0, Double.POSITIVE_INFINITY));
    assertThat(roc.get(roc.size() - 1).fpr()).isEqualTo(1.0);
    assertThat(roc.get(roc.size() - 1).tpr()).isEqualTo(1.0);
    for (int i = 1; i < roc.size(); i++) {
      assertThat(roc.get(i).fpr()).isGreaterThanOrEqualTo(roc.get(i - 1).fpr());
      assertThat(roc.get(i).tpr()).isGreaterThanOrEqualTo(roc.get(i - 1).tpr());
      assertThat(roc.get(i).threshold()).isLessThan(roc.get(i - 1).threshold());
    }
    // trapezoid area under the full-resolution curve is the AUC
    List<RocPoint> small = Metrics.roc(new double[] {0.1, 0.4, 0.35, 0.8},
        new double[] {0, 0, 1, 1});
    double area = 0;
    for (int i = 1; i < small.size(); i++) {
      area += (small.get(i).fpr() - small.get(i - 1).fpr())
          * (small.get(i).tpr() + small.get(i - 1).tpr()) / 2;
    }
    assertThat(area).isEqualTo(0.75);
  }

  @Test
  void multiclassAccuracyAndLogLoss() {
    double[] p = {0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.4, 0.4, 0.2};
    double[] y = {0, 1, 1};
    MulticlassEvaluation e = Metrics.evaluateMulticlass(p, 3, y);
    // row 0 right, row 1 argmax 2 wrong, row 2 tie 0/1 -> 0, wrong
    assertThat(e.accuracy()).isCloseTo(1.0 / 3, offset(1e-12));
    assertThat(e.logLoss())
        .isCloseTo(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.4)) / 3, offset(1e-12));
  }
}
