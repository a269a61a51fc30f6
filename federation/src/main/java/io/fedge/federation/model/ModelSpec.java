package io.fedge.federation.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * What model to train.
 *
 * <ul>
 *   <li>{@code logistic}: binary logistic regression; {@code classes} must be 2; output P(y=1).
 *   <li>{@code softmax}: multinomial (softmax) regression over {@code classes} &ge; 2 classes;
 *       output one probability per class.
 *   <li>{@code mlp}: multi-layer perceptron with ReLU hidden layers of the sizes in {@code hidden}
 *       (at least one layer); for {@code classes == 2} one sigmoid output unit giving P(y=1),
 *       otherwise a softmax over {@code classes} units.
 * </ul>
 *
 * @param type {@code logistic}, {@code softmax} or {@code mlp}
 * @param classes number of classes, at least 2
 * @param hidden hidden layer widths (mlp only; empty for the linear models)
 * @param seed seed of the initial weights (mlp; the linear models start at zero)
 */
public record ModelSpec(String type, int classes, int[] hidden, long seed) {
  public static final Set<String> TYPES = Set.of("logistic", "softmax", "mlp");

  public ModelSpec {
    Objects.requireNonNull(type, "type");
    hidden = hidden == null ? new int[0] : hidden.clone();
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "unknown model type '" + type + "'; use one of logistic, softmax, mlp");
    }
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be at least 2, got " + classes);
    }
    if (type.equals("logistic") && classes != 2) {
      throw new IllegalArgumentException(
          "logistic regression is binary (classes = 2); use softmax for " + classes + " classes");
    }
    if (type.equals("mlp") && hidden.length == 0) {
      throw new IllegalArgumentException("an mlp needs at least one hidden layer, e.g. [16]");
    }
    if (!type.equals("mlp") && hidden.length != 0) {
      throw new IllegalArgumentException(type + " has no hidden layers; got "
          + Arrays.toString(hidden));
    }
    for (int h : hidden) {
      if (h < 1 || h > 65_536) {
        throw new IllegalArgumentException("hidden layer width must be in [1, 65536], got " + h);
      }
    }
  }

  public static ModelSpec logistic() {
    return new ModelSpec("logistic", 2, new int[0], 0);
  }

  public static ModelSpec softmax(int classes) {
    return new ModelSpec("softmax", classes, new int[0], 0);
  }

  public static ModelSpec mlp(int classes, long seed, int... hidden) {
    return new ModelSpec("mlp", classes, hidden, seed);
  }

  /** Output values per row: 1 (P(y=1)) for logistic and binary mlp, else {@code classes}. */
  public int outputs() {
    return type.equals("softmax") || classes > 2 ? classes : 1;
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSpec m && type.equals(m.type) && classes == m.classes
        && Arrays.equals(hidden, m.hidden) && seed == m.seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, classes, Arrays.hashCode(hidden), seed);
  }

  @Override
  public String toString() {
    return "ModelSpec[" + type + ", classes=" + classes + ", hidden=" + Arrays.toString(hidden)
        + ", seed=" + seed + "]";
  }
}
