package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.psi.IdNormalizer;
import io.fedge.federation.psi.PsiMode;
import io.fedge.federation.vertical.LrConfig;
import io.fedge.federation.vertical.TreeConfig;
import io.fedge.federation.vertical.VerticalException;
import io.fedge.federation.wire.DatasetColumns;
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
 * A vertical job document (docs/jobs.md, "Vertical jobs"), parsed strictly: unknown fields, wrong
 * types and inconsistent values are refused with a message naming the field.
 *
 * @param reuse true when the parties' datasets are already aligned (derived by an earlier PSI, with
 *     the {@value #ALIGNED_ID} column): PSI is skipped
 * @param aligned name of the derived dataset each party stores (PSI) or reads (reuse)
 * @param model {@code lr} (vertical LR, {@code lr} set) or {@code sbt} (SecureBoost-style trees,
 *     {@code trees} set); the other configuration is null
 */
public record VerticalSpec(String id, String title, String requester, String purpose, Party guest, List<Party> hosts,
    boolean reuse, PsiMode mode, String normalization, String aligned, String model, LrConfig lr,
    double testFraction, long seed, Duration consentTimeout, JsonNode document, TreeConfig trees) {
  public static final String ALIGNED_ID = "psi_id";
  public static final int MAX_DOCUMENT_BYTES = 64 * 1024;
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
  private static final Pattern DATASET = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Set<String> TOP = Set.of("id", "type", "title", "requester", "purpose", "guest", "hosts", "psi",
      "model", "testFraction", "seed", "consentTimeoutSeconds");

  /** One party: its device, dataset, id column, features and (guest) label. */
  public record Party(String device, String dataset, String idColumn, List<String> features, String label) {}

  /** An invalid document; the message says which field and what to do. */
  public static final class InvalidVerticalJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidVerticalJobException(String m) {
      super(m);
    }
  }

  public List<String> parties() {
    List<String> out = new ArrayList<>();
    out.add(guest.device());
    hosts.forEach(h -> out.add(h.device()));
    return out;
  }

  public Party party(String device) {
    if (guest.device().equals(device)) {
      return guest;
    }
    return hosts.stream().filter(h -> h.device().equals(device)).findFirst().orElseThrow();
  }

  /** What the job reads on {@code device}: its dataset (id column, features, label) and the aligned dataset. */
  public List<DatasetColumns> reads(String device) {
    Party p = party(device);
    List<String> cols = new ArrayList<>(p.features());
    if (p.label() != null) {
      cols.add(p.label());
    }
    List<String> alignedCols = new ArrayList<>();
    alignedCols.add(ALIGNED_ID);
    alignedCols.addAll(cols);
    if (reuse) {
      return List.of(new DatasetColumns(aligned, alignedCols));
    }
    if (!storesAligned(device)) { // GUEST_LEARNS / UNBALANCED host: only its ids, blinded
      return List.of(new DatasetColumns(p.dataset(), List.of(p.idColumn())));
    }
    List<String> source = new ArrayList<>();
    source.add(p.idColumn());
    cols.stream().filter(c -> !c.equals(p.idColumn())).forEach(source::add);
    return List.of(new DatasetColumns(p.dataset(), source), new DatasetColumns(aligned, alignedCols));
  }

  /** Model type of a PSI-only job (the document has no {@code model}): the job ends after PSI. */
  public static final String PSI_ONLY = "none";

  /** Whether the job only aligns (no {@code model}): the guest keeps the aligned dataset, nothing is trained. */
  public boolean psiOnly() {
    return PSI_ONLY.equals(model);
  }

  /** The large party's filter epoch in the UNBALANCED mode ({@code psi.filterId}), else null. */
  public String filterId() {
    return mode == PsiMode.UNBALANCED ? document.path("psi").path("filterId").asText() : null;
  }

  /** Whether {@code device} stores the aligned dataset: every party in BOTH_LEARN, else the guest only. */
  public boolean storesAligned(String device) {
    return mode == PsiMode.BOTH_LEARN || guest.device().equals(device);
  }

  public IdNormalizer normalizer() {
    return IdNormalizer.of(normalization);
  }

  public static VerticalSpec parse(byte[] json) {
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

  public static boolean isVertical(byte[] json) {
    try {
      JsonNode n = WireCodec.mapper().readTree(json);
      return n != null && n.isObject() && "vertical".equals(n.path("type").asText());
    } catch (IOException e) {
      return false;
    }
  }

  static VerticalSpec parse(ObjectNode n) {
    known(n, TOP, "");
    String id = text(n, "id");
    if (!Ids.isValid(id)) {
      throw invalid("'id' must be 3-64 characters of [a-z0-9-], starting with a letter or digit");
    }
    if (!"vertical".equals(text(n, "type"))) {
      throw invalid("'type' must be 'vertical' for this coordinator");
    }
    String title = n.has("title") ? text(n, "title") : id;
    String requester = n.has("requester") ? text(n, "requester") : "ops";
    String purpose = text(n, "purpose");
    if (!n.path("guest").isObject()) {
      throw invalid("'guest' must be an object {device, dataset, idColumn, features, label}");
    }
    boolean psiOnly = !n.has("model");
    Party guest = party((ObjectNode) n.get("guest"), "guest", true, psiOnly);
    if (!n.path("hosts").isArray() || n.get("hosts").isEmpty() || n.get("hosts").size() > 8) {
      throw invalid("'hosts' must list 1 to 8 host parties");
    }
    List<Party> hosts = new ArrayList<>();
    for (int i = 0; i < n.get("hosts").size(); i++) {
      JsonNode h = n.get("hosts").get(i);
      if (!h.isObject()) {
        throw invalid("hosts[" + i + "] must be an object {device, dataset, idColumn, features}");
      }
      hosts.add(party((ObjectNode) h, "hosts[" + i + "]", false, psiOnly));
    }
    Set<String> devices = new HashSet<>();
    devices.add(guest.device());
    for (Party h : hosts) {
      if (!devices.add(h.device())) {
        throw invalid("device " + h.device() + " appears twice; each party is a different device");
      }
    }
    JsonNode psi = n.path("psi");
    if (!psi.isObject()) {
      throw invalid("'psi' must be an object {mode, normalization, aligned} or {reuse: true, aligned}");
    }
    known((ObjectNode) psi, Set.of("mode", "normalization", "aligned", "reuse", "filterId"), "psi.");
    boolean reuse = psi.path("reuse").asBoolean(false);
    String aligned = text(psi, "aligned");
    if (!DATASET.matcher(aligned).matches()) {
      throw invalid("'psi.aligned' must be a dataset name: 1-63 of [a-z0-9_], starting with a letter (the agent's dataset names)");
    }
    PsiMode mode = PsiMode.BOTH_LEARN;
    String normalization = "exact";
    if (!reuse) {
      if (psi.has("mode")) {
        try {
          mode = PsiMode.valueOf(text(psi, "mode"));
        } catch (IllegalArgumentException e) {
          throw invalid("'psi.mode' must be BOTH_LEARN (training needs every party aligned)");
        }
      }
      if (mode != PsiMode.BOTH_LEARN && !psiOnly) {
        throw invalid("'psi.mode' " + mode + " leaves the hosts without the alignment, so no model can be trained:"
            + " use BOTH_LEARN, or leave out 'model' for a PSI-only job (the guest stores the aligned dataset, the"
            + " hosts learn nothing)");
      }
      if (mode == PsiMode.UNBALANCED) {
        if (hosts.size() != 1) {
          throw invalid("'psi.mode' UNBALANCED has one large party: list exactly one host (the filter's owner)");
        }
        if (!psi.path("filterId").isTextual() || !Ids.isValid(psi.get("filterId").asText())) {
          throw invalid("'psi.filterId' must name the large party's filter epoch (3-64 characters of [a-z0-9-]);"
              + " jobs naming the same filter reuse it");
        }
      } else if (psi.has("filterId")) {
        throw invalid("'psi.filterId' is only for psi.mode UNBALANCED");
      }
      normalization = psi.has("normalization") ? text(psi, "normalization") : "exact";
      try {
        IdNormalizer.of(normalization);
      } catch (RuntimeException e) {
        throw invalid("'psi.normalization': " + e.getMessage());
      }
    }
    if (psiOnly) {
      if (reuse) {
        throw invalid("'psi.reuse' skips PSI, so the job needs a 'model' to train");
      }
      return new VerticalSpec(id, title, requester, purpose, guest, List.copyOf(hosts), false, mode, normalization,
          aligned, PSI_ONLY, null, 0.25, 1, consentTimeout(n), n.deepCopy(), null);
    }
    JsonNode m = n.path("model");
    if (!m.isObject()) {
      throw invalid("'model' must be an object {type: lr | sbt, ...}");
    }
    if ("sbt".equals(m.path("type").asText())) {
      return parseRest(n, id, title, requester, purpose, guest, hosts, reuse, mode, normalization, aligned, "sbt",
          null, TreeSpec.parse((ObjectNode) m));
    }
    known((ObjectNode) m, Set.of("type", "maxEpochs", "batchSize", "learningRate", "l2", "optimizer",
        "validationFraction", "patience", "minDelta", "fractionBits", "seed"), "model.");
    String type = text(m, "type");
    if (!"lr".equals(type)) {
      throw invalid("'model.type' must be 'lr' (vertical logistic regression) or 'sbt' (SecureBoost-style trees), got '"
          + type + "'");
    }
    LrConfig lr;
    try {
      lr = new LrConfig(m.path("maxEpochs").asInt(30), m.path("batchSize").asInt(64),
          m.path("learningRate").asDouble(0.05), m.path("l2").asDouble(1e-4), m.path("optimizer").asText("adam"),
          m.path("validationFraction").asDouble(0.1), m.path("patience").asInt(3), m.path("minDelta").asDouble(1e-4),
          m.path("fractionBits").asInt(16), m.path("seed").asLong(42));
    } catch (VerticalException e) {
      throw invalid("'model': " + e.getMessage());
    }
    return parseRest(n, id, title, requester, purpose, guest, hosts, reuse, mode, normalization, aligned, type, lr, null);
  }

  private static VerticalSpec parseRest(ObjectNode n, String id, String title, String requester, String purpose,
      Party guest, List<Party> hosts, boolean reuse, PsiMode mode, String normalization, String aligned, String type,
      LrConfig lr, TreeConfig trees) {
    double testFraction = n.path("testFraction").asDouble(0.25);
    if (!(testFraction > 0 && testFraction < 0.9)) {
      throw invalid("'testFraction' must be in (0, 0.9), got " + testFraction);
    }
    long seed = n.path("seed").asLong(1);
    long consent = n.path("consentTimeoutSeconds").asLong(600);
    if (consent < 1 || consent > 30 * 86400) {
      throw invalid("'consentTimeoutSeconds' must be 1..2592000");
    }
    return new VerticalSpec(id, title, requester, purpose, guest, List.copyOf(hosts), reuse, mode, normalization,
        aligned, type, lr, testFraction, seed, Duration.ofSeconds(consent), n.deepCopy(), trees);
  }

  private static Duration consentTimeout(JsonNode n) {
    long consent = n.path("consentTimeoutSeconds").asLong(600);
    if (consent < 1 || consent > 30 * 86400) {
      throw invalid("'consentTimeoutSeconds' must be 1..2592000");
    }
    return Duration.ofSeconds(consent);
  }

  private static Party party(ObjectNode p, String where, boolean guest, boolean psiOnly) {
    known(p, guest ? Set.of("device", "dataset", "idColumn", "features", "label")
        : Set.of("device", "dataset", "idColumn", "features"), where + ".");
    String device = text(p, "device");
    if (!Ids.isValid(device)) {
      throw invalid("'" + where + ".device' must be a device id");
    }
    String dataset = text(p, "dataset");
    if (!DATASET.matcher(dataset).matches()) {
      throw invalid("'" + where + ".dataset' must be a dataset name");
    }
    String idColumn = text(p, "idColumn");
    if (!COLUMN.matcher(idColumn).matches()) {
      throw invalid("'" + where + ".idColumn' must be a column name");
    }
    if (psiOnly && !p.has("features")) {
      p = p.deepCopy();
      p.putArray("features");
    } else if (!p.path("features").isArray() || p.get("features").isEmpty()) {
      throw invalid("'" + where + ".features' must list at least one column");
    }
    LinkedHashSet<String> features = new LinkedHashSet<>();
    for (Iterator<JsonNode> it = p.get("features").elements(); it.hasNext(); ) {
      String c = it.next().asText();
      if (!COLUMN.matcher(c).matches() || c.equals(idColumn) || c.equals(ALIGNED_ID) || !features.add(c)) {
        throw invalid("'" + where + ".features' has an invalid, repeated or id column: '" + c + "'");
      }
    }
    String label = null;
    if (guest && !(psiOnly && !p.has("label"))) {
      label = text(p, "label");
      if (!COLUMN.matcher(label).matches() || features.contains(label) || label.equals(idColumn)) {
        throw invalid("'" + where + ".label' must be a column that is neither a feature nor the id");
      }
    }
    return new Party(device, dataset, idColumn, List.copyOf(features), label);
  }

  private static void known(ObjectNode n, Set<String> allowed, String prefix) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw invalid("unknown field '" + prefix + f + "'; allowed: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual() || f.textValue().isBlank()) {
      throw invalid("field '" + field + "' must be a non-empty string");
    }
    return f.textValue();
  }

  private static InvalidVerticalJobException invalid(String m) {
    return new InvalidVerticalJobException(m);
  }
}
