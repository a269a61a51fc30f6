package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.TreeConfig;
import io.fedge.federation.vertical.VerticalException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code model} block of a vertical job with {@code "type": "sbt"} (SecureBoost-style trees,
 * docs/jobs.md): parsed strictly into a {@link TreeConfig}; unknown fields, wrong types and values
 * out of range are refused with a message naming the field.
 */
final class TreeSpec {
  static final Set<String> FIELDS = Set.of("type", "trees", "maxDepth", "learningRate", "bins", "lambda",
      "minChildWeight", "keyBits", "fractionBits", "noise", "objective", "classes");
  /** Paillier modulus sizes accepted; 1024 is for tests and simulations only (docs/jobs.md). */
  static final Set<Integer> KEY_BITS = Set.of(1024, 2048, 3072, 4096);

  private TreeSpec() {}

  static TreeConfig parse(ObjectNode m) {
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new VerticalSpec.InvalidVerticalJobException("unknown field 'model." + f + "' for model type sbt; allowed: "
            + new TreeSet<>(FIELDS));
      }
    }
    int keyBits = integer(m, "keyBits", 2048);
    if (!KEY_BITS.contains(keyBits)) {
      throw new VerticalSpec.InvalidVerticalJobException("'model.keyBits' must be 2048 (default), 3072 or 4096 (1024 "
          + "only for tests and simulations: it is not a safe Paillier key), got " + keyBits);
    }
    JsonNode noise = m.get("noise");
    if (noise != null && !(noise.isTextual() && (TreeConfig.FIXED_BASE.equals(noise.asText())
        || TreeConfig.CLASSIC.equals(noise.asText())))) {
      throw new VerticalSpec.InvalidVerticalJobException("'model.noise' must be \"" + TreeConfig.FIXED_BASE
          + "\" (default: fast fixed-base Paillier noise) or \"" + TreeConfig.CLASSIC + "\" (r^n, DCR alone), got "
          + noise);
    }
    try {
      return new TreeConfig(integer(m, "trees", 10), integer(m, "maxDepth", 3), number(m, "learningRate", 0.3),
          integer(m, "bins", 32), number(m, "lambda", 1.0), number(m, "minChildWeight", 1e-3), keyBits,
          integer(m, "fractionBits", 40), noise == null ? TreeConfig.FIXED_BASE : noise.asText())
          .withObjective(ObjectiveSpec.parse(m));
    } catch (VerticalException e) {
      throw new VerticalSpec.InvalidVerticalJobException("'model': " + e.getMessage());
    }
  }

  private static int integer(JsonNode m, String field, int dflt) {
    JsonNode v = m.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new VerticalSpec.InvalidVerticalJobException("'model." + field + "' must be a whole number, got " + v);
    }
    return v.intValue();
  }

  private static double number(JsonNode m, String field, double dflt) {
    JsonNode v = m.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new VerticalSpec.InvalidVerticalJobException("'model." + field + "' must be a number, got " + v);
    }
    return v.doubleValue();
  }
}
