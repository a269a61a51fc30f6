package io.fedge.federation.horizontal;

import io.fedge.federation.model.Table;
import java.util.Arrays;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The independent central baseline: logistic regression trained by Tribuo (its linear SGD
 * trainer with the multinomial logistic loss, which for two labels is logistic regression) on
 * the union of the parties' data, scored with Tribuo's own AUC.
 */
final class TribuoReference {
  private TribuoReference() {}

  static double centralLogisticAuc(Table train, Table test, int epochs, double learningRate,
      long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> ds =
        new MutableDataset<>(new SimpleDataSourceProvenance("union", factory), factory);
    String[] names = train.columns().toArray(String[]::new);
    for (int r = 0; r < train.rows(); r++) {
      ds.add(example(train, r, names));
    }
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
        new AdaGrad(learningRate, 0.1), epochs, 10 * train.rows(), 1, seed);
    Model<Label> model = trainer.train(ds);
    boolean[] pos = new boolean[test.rows()];
    double[] score = new double[test.rows()];
    for (int r = 0; r < test.rows(); r++) {
      Prediction<Label> p = model.predict(example(test, r, names));
      pos[r] = test.y()[r] == 1;
      score[r] = p.getOutputScores().get("1").getScore();
    }
    return LabelEvaluationUtil.binaryAUCROC(pos, score);
  }

  private static Example<Label> example(Table t, int r, String[] names) {
    double[] v = Arrays.copyOfRange(t.x(), r * t.cols(), (r + 1) * t.cols());
    return new ArrayExample<>(new Label(t.y()[r] == 1 ? "1" : "0"), names, v);
  }
}
