package io.fedge.federation.horizontal;

import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.Table;

/**
 * The value of a model on the job owner's validation data, higher is better; what contribution
 * scores measure.
 */
@FunctionalInterface
public interface Utility {
  double of(double[] parameters);

  /** AUC of a binary model on {@code validation}. {@code model}'s parameters are overwritten. */
  static Utility auc(Model model, Table validation) {
    return p -> {
      model.setParameters(p);
      return Metrics.evaluate(model, validation).auc();
    };
  }

  /** Minus the log-loss (binary or multi-class). {@code model}'s parameters are overwritten. */
  static Utility negativeLogLoss(Model model, Table validation) {
    return p -> {
      model.setParameters(p);
      return model.outputs() == 1
          ? -Metrics.evaluate(model, validation).logLoss()
          : -Metrics.evaluateMulticlass(model, validation).logLoss();
    };
  }

  /** Accuracy (binary or multi-class). {@code model}'s parameters are overwritten. */
  static Utility accuracy(Model model, Table validation) {
    return p -> {
      model.setParameters(p);
      return model.outputs() == 1
          ? Metrics.evaluate(model, validation).accuracy()
          : Metrics.evaluateMulticlass(model, validation).accuracy();
    };
  }
}
