package io.fedge.federation.vertical;

import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The independent reference for vertical trees: XGBoost (xgboost4j 2.0.3, native library, test
 * scope) trained centrally on the joined columns with the same trees, depth, shrinkage, bins
 * ({@code tree_method=hist}, {@code max_bin}), lambda and min child weight, base score = the
 * training positive rate (as the guest's base margin), no row or column subsampling, one thread.
 */
public final class XgboostReference {
  private XgboostReference() {}

  /** Probabilities of class 1 for {@code test} after training on ({@code train}, {@code labels}). */
  public static double[] scores(double[][] train, int[] labels, double[][] test, TreeConfig c) {
    try {
      DMatrix dtrain = matrix(train);
      float[] y = new float[labels.length];
      double mean = 0;
      for (int i = 0; i < y.length; i++) {
        y[i] = labels[i];
        mean += labels[i];
      }
      mean /= labels.length;
      dtrain.setLabel(y);
      Map<String, Object> p = new HashMap<>();
      p.put("objective", "binary:logistic");
      p.put("tree_method", "hist");
      p.put("max_bin", c.bins());
      p.put("max_depth", c.maxDepth());
      p.put("eta", c.learningRate());
      p.put("lambda", c.lambda());
      p.put("alpha", 0.0);
      p.put("gamma", 0.0);
      p.put("min_child_weight", c.minChildWeight());
      p.put("subsample", 1.0);
      p.put("colsample_bytree", 1.0);
      p.put("base_score", mean);
      p.put("nthread", 1);
      p.put("seed", 0);
      p.put("verbosity", 0);
      Booster b = XGBoost.train(dtrain, p, c.trees(), new HashMap<>(), null, null);
      float[][] pred = b.predict(matrix(test));
      double[] out = new double[pred.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = pred[i][0];
      }
      b.dispose();
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    }
  }

  private static DMatrix matrix(double[][] x) throws XGBoostError {
    int cols = x[0].length;
    float[] flat = new float[x.length * cols];
    for (int r = 0; r < x.length; r++) {
      for (int j = 0; j < cols; j++) {
        flat[r * cols + j] = (float) x[r][j];
      }
    }
    return new DMatrix(flat, x.length, cols, Float.NaN);
  }
}
