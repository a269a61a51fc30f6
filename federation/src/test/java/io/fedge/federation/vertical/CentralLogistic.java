package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Centralised logistic regression on the joined, standardised columns with Tribuo (the reference). */
final class CentralLogistic {
  private final Model<Label> model;
  private final String[] names;
  private final Standardizer standardizer;

  CentralLogistic(double[][] x, int[] y, int epochs, long seed) {
    names = new String[x[0].length];
    for (int j = 0; j < names.length; j++) {
      names[j] = String.format("f%03d", j);
    }
    int[] all = new int[x.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      ids.add(Integer.toString(i));
    }
    standardizer = Standardizer.fit(new PartyTable(ids, List.of(names), x), all);
    LabelFactory factory = new LabelFactory();
    List<Example<Label>> examples = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      examples.add(new ArrayExample<>(new Label(Integer.toString(y[i])), names, standardized(x[i])));
    }
    MutableDataset<Label> data = new MutableDataset<>(
        new ListDataSource<>(examples, factory, new SimpleDataSourceProvenance("joined", factory)));
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs,
        Integer.MAX_VALUE, 16, seed);
    model = trainer.train(data);
  }

  double[] scores(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = model.predict(new ArrayExample<>(new Label("0"), names, standardized(x[i])))
          .getOutputScores().get("1").getScore();
    }
    return out;
  }

  /** The most probable class of each row (multiclass: Tribuo's multinomial model). */
  int[] classes(double[][] x) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Integer.parseInt(model.predict(new ArrayExample<>(new Label("0"), names, standardized(x[i])))
          .getOutput().getLabel());
    }
    return out;
  }

  private double[] standardized(double[] row) {
    double[] out = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      out[j] = standardizer.apply(j, row[j]);
    }
    return out;
  }
}
