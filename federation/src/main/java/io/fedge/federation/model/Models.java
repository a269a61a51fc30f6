package io.fedge.federation.model;

/** Creates models from their {@link ModelSpec}. */
public final class Models {
  private Models() {}

  /**
   * A new model for {@code features} inputs with its initial parameters: zeros for logistic and
   * softmax regression; for the mlp, He-normal weights in the ReLU layers and Glorot-normal
   * weights in the output layer drawn from {@code spec.seed()}, zero biases. The same spec and
   * feature count always give the same initial parameters, so every party can build the same
   * starting model.
   */
  public static Model create(ModelSpec spec, int features) {
    if (features < 1) {
      throw new IllegalArgumentException("a model needs at least one feature, got " + features);
    }
    return switch (spec.type()) {
      case "logistic" -> new LogisticRegression(spec, features);
      case "softmax" -> new SoftmaxRegression(spec, features);
      case "mlp" -> new Mlp(spec, features);
      default -> throw new IllegalArgumentException("unknown model type " + spec.type());
    };
  }
}
