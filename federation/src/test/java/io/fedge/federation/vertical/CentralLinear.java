package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.slm.LARSTrainer;

/**
 * Centralised ordinary least squares on the joined columns with Tribuo (the reference for vertical
 * linear regression): LARS run until every feature has entered ends at the least-squares solution.
 */
final class CentralLinear {
  private final Model<Regressor> model;
  private final String[] names;

  CentralLinear(double[][] x, double[] y) {
    names = new String[x[0].length];
    for (int j = 0; j < names.length; j++) {
      names[j] = String.format("f%03d", j);
    }
    RegressionFactory factory = new RegressionFactory();
    List<Example<Regressor>> examples = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      examples.add(new ArrayExample<>(new Regressor("y", y[i]), names, x[i]));
    }
    MutableDataset<Regressor> data = new MutableDataset<>(
        new ListDataSource<>(examples, factory, new SimpleDataSourceProvenance("joined", factory)));
    model = new LARSTrainer().train(data);
  }

  double[] predictions(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = model.predict(new ArrayExample<>(new Regressor("y", Double.NaN), names, x[i]))
          .getOutput().getValues()[0];
    }
    return out;
  }
}
