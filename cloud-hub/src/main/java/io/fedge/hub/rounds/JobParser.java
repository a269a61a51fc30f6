package io.fedge.hub.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.rounds.DatasetRead;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a job document strictly: unknown fields, wrong types, out-of-range values
 * and inconsistent combinations are refused with a message naming the field and what to change.
 * See docs/jobs.md for the schema.
 */
public final class JobParser {
  public static final int MAX_DOCUMENT_BYTES = 64 * 1024;
  private static final Set<String> TOP =
      Set.of("id", "title", "requester", "purpose", "type", "participants", "group", "datasets", "features",
          "label", "pipeline", "model", "hyper", "rounds", "roundDeadlineSeconds", "quorum", "maxAttempts", "consentTimeoutSeconds",
          "strategy", "secureAggregation", "dp", "validation");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
  private static final Pattern DATASET = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final List<String> HORIZONTAL_STAGES = List.of("scale", "train", "evaluate", "publish");

  private JobParser() {}

  /** Thrown for an invalid document; the message says which field and what to do. */
  public static final class InvalidJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidJobException(String message) {
      super(message);
    }
  }

  public static JobSpec parse(byte[] json) {
    if (json.length > MAX_DOCUMENT_BYTES) {
      throw invalid("the job document is " + json.length + " bytes; at most " + MAX_DOCUMENT_BYTES + " are accepted");
    }
    JsonNode n;
    try {
      n = WireCodec.mapper().readTree(json);
    } catch (IOException e) {
      throw invalid("the job document is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw invalid("the job document must be a JSON object");
    }
    return parse((ObjectNode) n);
  }

  public static JobSpec parse(ObjectNode n) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP.contains(f)) {
        throw invalid("unknown field '" + f + "'; allowed fields: " + new java.util.TreeSet<>(TOP));
      }
    }
    String id = text(n, "id", true);
    if (!Ids.isValid(id)) {
      throw invalid("'id' must be 3-64 characters of [a-z0-9-], starting with a letter or digit");
    }
    String type = n.has("type") ? text(n, "type", true) : "horizontal";
    if (!type.equals("horizontal")) {
      throw invalid("'type' " + type + " is not run by this coordinator; use 'horizontal'");
    }
    String title = n.has("title") ? text(n, "title", true) : id;
    String requester = n.has("requester") ? text(n, "requester", true) : "ops";
    String purpose = text(n, "purpose", true);

    List<String> participants = new ArrayList<>();
    String group = null;
    if (n.has("participants") == n.has("group")) {
      throw invalid("give exactly one of 'participants' (device ids) or 'group' (a device group)");
    }
    if (n.has("participants")) {
      for (String d : strings(n, "participants", 1, 255)) {
        if (!Ids.isValid(d)) {
          throw invalid("participant '" + d + "' is not a device id ([a-z0-9][a-z0-9-]{2,63})");
        }
        participants.add(d);
      }
      if (new HashSet<>(participants).size() != participants.size()) {
        throw invalid("'participants' lists a device twice");
      }
    } else {
      group = text(n, "group", true);
      if (!Ids.isValid(group)) {
        throw invalid("'group' must be a group name ([a-z0-9][a-z0-9-]{2,63})");
      }
    }

    JsonNode ds = n.get("datasets");
    if (ds == null || !ds.isArray() || ds.isEmpty()) {
      throw invalid("'datasets' must be a non-empty array of {\"dataset\": name, \"columns\": [..]}");
    }
    if (ds.size() != 1) {
      throw invalid("a horizontal job reads exactly one dataset per site; 'datasets' lists " + ds.size());
    }
    List<DatasetRead> reads = new ArrayList<>();
    Set<String> readable = new LinkedHashSet<>();
    for (JsonNode d : ds) {
      if (!d.isObject()) {
        throw invalid("each entry of 'datasets' must be an object");
      }
      String name = text(d, "dataset", true);
      if (!DATASET.matcher(name).matches()) {
        throw invalid("dataset name '" + name + "' must be 1-64 of [a-z0-9_-], starting with a letter or digit");
      }
      List<String> cols = strings(d, "columns", 1, 10_000);
      for (String c : cols) {
        requireColumn(c);
        if (!readable.add(c)) {
          throw invalid("column '" + c + "' is listed twice in 'datasets'");
        }
      }
      reads.add(new DatasetRead(name, cols));
    }
    String label = text(n, "label", true);
    if (!readable.contains(label)) {
      throw invalid("label column '" + label + "' is not among the columns the job reads");
    }
    List<String> features;
    if (n.has("features")) {
      features = strings(n, "features", 1, 10_000);
      for (String f : features) {
        if (!readable.contains(f)) {
          throw invalid("feature '" + f + "' is not among the columns the job reads (consent covers only those)");
        }
        if (f.equals(label)) {
          throw invalid("the label '" + label + "' cannot also be a feature");
        }
      }
      if (new HashSet<>(features).size() != features.size()) {
        throw invalid("'features' lists a column twice");
      }
    } else {
      features = readable.stream().filter(c -> !c.equals(label)).toList();
      if (features.isEmpty()) {
        throw invalid("the job reads no feature columns besides the label");
      }
    }

    List<String> pipeline = n.has("pipeline") ? strings(n, "pipeline", 1, 8) : List.of("scale", "train", "evaluate", "publish");
    int last = -1;
    for (String s : pipeline) {
      int at = HORIZONTAL_STAGES.indexOf(s);
      if (at < 0) {
        throw invalid("pipeline stage '" + s + "' is unknown for a horizontal job; stages are " + HORIZONTAL_STAGES
            + " ('align' is for vertical jobs)");
      }
      if (at <= last) {
        throw invalid("pipeline stages must appear once each, in the order " + HORIZONTAL_STAGES);
      }
      last = at;
    }
    if (!pipeline.contains("train")) {
      throw invalid("the pipeline must contain 'train'");
    }

    JsonNode model = n.get("model");
    if (model == null || !model.isObject()) {
      throw invalid("'model' must be an object, e.g. {\"type\": \"logistic_regression\"}");
    }
    modelSpec(model);
    JsonNode hyper = n.has("hyper") ? n.get("hyper") : WireCodec.mapper().createObjectNode();
    if (!hyper.isObject()) {
      throw invalid("'hyper' must be an object of hyper-parameters");
    }
    positiveIfPresent(hyper, "learningRate");
    intRangeIfPresent(hyper, "localEpochs", 1, 1000);
    intRangeIfPresent(hyper, "batchSize", 1, 1_000_000);
    nonNegativeIfPresent(hyper, "l2");
    if (hyper.has("evalHoldout") && !(number(hyper, "evalHoldout") >= 0 && number(hyper, "evalHoldout") <= 0.5)) {
      throw invalid("hyper.evalHoldout must be between 0 and 0.5 (the share of each site's rows kept for local evaluation)");
    }

    int rounds = intRange(n, "rounds", 1, 10_000, null);
    int deadline = intRange(n, "roundDeadlineSeconds", 1, 86_400, 120);
    int maxAttempts = intRange(n, "maxAttempts", 1, 100, 3);
    int consentTimeout = intRange(n, "consentTimeoutSeconds", 1, 30 * 86_400, 600);

    String strategy = "fedavg";
    double mu = 0;
    if (n.has("strategy")) {
      JsonNode s = n.get("strategy");
      if (s.isTextual()) {
        strategy = s.textValue();
      } else if (s.isObject()) {
        strategy = text(s, "name", true);
        if (s.has("mu")) {
          mu = number(s, "mu");
        }
      } else {
        throw invalid("'strategy' must be \"fedavg\", \"fedprox\" or {\"name\": \"fedprox\", \"mu\": 0.01}");
      }
      if (!strategy.equals("fedavg") && !strategy.equals("fedprox")) {
        throw invalid("strategy '" + strategy + "' is unknown; use fedavg or fedprox");
      }
      if (strategy.equals("fedprox") && !(mu > 0)) {
        throw invalid("fedprox needs a positive proximal term 'mu' (e.g. 0.01)");
      }
      if (strategy.equals("fedavg") && mu != 0) {
        throw invalid("'mu' applies to fedprox only");
      }
    }

    boolean secure = false;
    double dropout = 0;
    if (n.has("secureAggregation")) {
      JsonNode s = n.get("secureAggregation");
      if (!s.isObject()) {
        throw invalid("'secureAggregation' must be {\"enabled\": true, \"maxDropoutFraction\": 0.3}");
      }
      secure = s.has("enabled") && bool(s, "enabled");
      if (s.has("maxDropoutFraction")) {
        dropout = number(s, "maxDropoutFraction");
        if (dropout < 0 || dropout >= 0.5) {
          throw invalid("'maxDropoutFraction' must be in [0, 0.5): the threshold stays above half the clients");
        }
      }
    }

    int participantCount = participants.isEmpty() ? -1 : participants.size();
    int quorum = intRange(n, "quorum", 1, 255, participantCount > 0 ? participantCount : 2);
    if (participantCount > 0 && quorum > participantCount) {
      throw invalid("'quorum' " + quorum + " exceeds the " + participantCount + " listed participants");
    }
    if (secure && quorum < 2) {
      throw invalid("secure aggregation needs a quorum of at least 2 (a sum of one is that client's update)");
    }

    JsonNode dp = null;
    if (n.has("dp")) {
      dp = n.get("dp");
      if (!dp.isObject()) {
        throw invalid("'dp' must be an object: {\"enabled\": true, \"clipNorm\": 1.0, \"noiseMultiplier\": 1.1, \"delta\": 1e-5}");
      }
      if (dp.has("enabled") && bool(dp, "enabled")) {
        if (!(number(dp, "clipNorm") > 0)) {
          throw invalid("dp.clipNorm must be positive");
        }
        if (!(number(dp, "noiseMultiplier") >= 0)) {
          throw invalid("dp.noiseMultiplier must be zero or positive");
        }
        double delta = dp.has("delta") ? number(dp, "delta") : 1e-5;
        if (!(delta > 0 && delta < 1)) {
          throw invalid("dp.delta must be in (0, 1)");
        }
      } else {
        dp = null;
      }
    }

    String validation = null;
    if (n.has("validation")) {
      JsonNode v = n.get("validation");
      if (!v.isObject()) {
        throw invalid("'validation' must be {\"path\": \"<CSV file on the hub>\"}");
      }
      validation = text(v, "path", true);
      for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("path")) {
          throw invalid("unknown field 'validation." + f + "'; allowed: path");
        }
      }
    }
    return new JobSpec(id, title, requester, purpose, List.copyOf(participants), group, List.copyOf(reads),
        List.copyOf(features), label, List.copyOf(pipeline), model, hyper, rounds, Duration.ofSeconds(deadline),
        quorum, maxAttempts, Duration.ofSeconds(consentTimeout), strategy, mu, secure, dropout, dp, validation, n);
  }

  /** The ML core's model specification from the job's {@code model} object. */
  public static io.fedge.federation.model.ModelSpec modelSpec(JsonNode model) {
    for (Iterator<String> it = model.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("type", "classes", "hidden", "seed").contains(f)) {
        throw invalid("unknown field 'model." + f + "'; allowed: type, classes, hidden, seed");
      }
    }
    String type = text(model, "type", true);
    if (!io.fedge.federation.model.ModelSpec.TYPES.contains(type)) {
      throw invalid("model type '" + type + "' is unknown; use one of "
          + new java.util.TreeSet<>(io.fedge.federation.model.ModelSpec.TYPES));
    }
    int classes = intRange(model, "classes", 2, 1000, 2);
    int[] hidden = new int[0];
    if (model.has("hidden")) {
      JsonNode h = model.get("hidden");
      if (!h.isArray() || h.size() > 8) {
        throw invalid("'model.hidden' must be an array of at most 8 layer widths");
      }
      hidden = new int[h.size()];
      for (int i = 0; i < hidden.length; i++) {
        if (!h.get(i).isIntegralNumber() || h.get(i).asInt() < 1 || h.get(i).asInt() > 4096) {
          throw invalid("'model.hidden' widths must be integers in 1..4096");
        }
        hidden[i] = h.get(i).asInt();
      }
    }
    long seed = model.has("seed") ? model.get("seed").asLong() : 1L;
    try {
      return new io.fedge.federation.model.ModelSpec(type, classes, hidden, seed);
    } catch (IllegalArgumentException e) {
      throw invalid("'model' is inconsistent: " + e.getMessage());
    }
  }

  private static void requireColumn(String c) {
    if (!COLUMN.matcher(c).matches()) {
      throw invalid("column name '" + c + "' must be 1-64 of [A-Za-z0-9_.-], starting with a letter or '_'");
    }
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode f = n.get(field);
    if (f == null || f.isNull()) {
      if (required) {
        throw invalid("field '" + field + "' is required");
      }
      return null;
    }
    if (!f.isTextual() || f.textValue().isBlank() || f.textValue().length() > 500) {
      throw invalid("field '" + field + "' must be a non-empty string of at most 500 characters");
    }
    return f.textValue();
  }

  private static List<String> strings(JsonNode n, String field, int min, int max) {
    JsonNode f = n.get(field);
    if (f == null || !f.isArray() || f.size() < min || f.size() > max) {
      throw invalid("field '" + field + "' must be an array of " + min + ".." + max + " strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : f) {
      if (!e.isTextual() || e.textValue().isEmpty()) {
        throw invalid("field '" + field + "' must hold only non-empty strings");
      }
      out.add(e.textValue());
    }
    return out;
  }

  private static int intRange(JsonNode n, String field, int min, int max, Integer dflt) {
    JsonNode f = n.get(field);
    if (f == null) {
      if (dflt == null) {
        throw invalid("field '" + field + "' is required (an integer in " + min + ".." + max + ")");
      }
      return dflt;
    }
    if (!f.isIntegralNumber() || f.asLong() < min || f.asLong() > max) {
      throw invalid("field '" + field + "' must be an integer in " + min + ".." + max);
    }
    return f.intValue();
  }

  private static void intRangeIfPresent(JsonNode n, String field, int min, int max) {
    if (n.has(field)) {
      intRange(n, "" + field, min, max, null);
    }
  }

  private static double number(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isNumber() || !Double.isFinite(f.doubleValue())) {
      throw invalid("field '" + field + "' must be a finite number");
    }
    return f.doubleValue();
  }

  private static void positiveIfPresent(JsonNode n, String field) {
    if (n.has(field) && !(number(n, field) > 0)) {
      throw invalid("hyper." + field + " must be positive");
    }
  }

  private static void nonNegativeIfPresent(JsonNode n, String field) {
    if (n.has(field) && !(number(n, field) >= 0)) {
      throw invalid("hyper." + field + " must be zero or positive");
    }
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isBoolean()) {
      throw invalid("field '" + field + "' must be true or false");
    }
    return f.booleanValue();
  }

  private static InvalidJobException invalid(String m) {
    return new InvalidJobException(m);
  }
}
