package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.vertical.Objective;
import io.fedge.federation.vertical.VerticalException;

/**
 * The {@code model.objective} and {@code model.classes} fields of a vertical job (docs/jobs.md),
 * shared by every model type: {@code binary} (default), {@code regression}, or {@code multiclass}
 * with {@code classes} K in 3..64. Errors name the field.
 */
final class ObjectiveSpec {
  /** The model fields this class reads. */
  static final java.util.Set<String> FIELDS = java.util.Set.of("objective", "classes");

  private ObjectiveSpec() {}

  static Objective parse(JsonNode model) {
    JsonNode o = model.get("objective");
    JsonNode k = model.get("classes");
    if (o == null) {
      if (k != null) {
        throw invalid("'model.classes' is only for \"objective\": \"multiclass\"");
      }
      return Objective.BINARY;
    }
    if (!o.isTextual()) {
      throw invalid("'model.objective' must be \"binary\", \"regression\" or \"multiclass\", got " + o);
    }
    switch (o.textValue()) {
      case "binary", "regression" -> {
        if (k != null) {
          throw invalid("'model.classes' is only for \"objective\": \"multiclass\", not " + o);
        }
        return Objective.parse(o.textValue());
      }
      case "multiclass" -> {
        if (k == null || !k.isIntegralNumber() || !k.canConvertToInt()) {
          throw invalid("'model.classes' must be a whole number (the label's classes 0..K-1) for a multiclass model");
        }
        try {
          return Objective.multiclass(k.intValue());
        } catch (VerticalException e) {
          throw invalid("'model.classes': " + e.getMessage());
        }
      }
      default -> throw invalid("'model.objective' must be \"binary\", \"regression\" or \"multiclass\", got " + o);
    }
  }

  private static VerticalSpec.InvalidVerticalJobException invalid(String m) {
    return new VerticalSpec.InvalidVerticalJobException(m);
  }
}
