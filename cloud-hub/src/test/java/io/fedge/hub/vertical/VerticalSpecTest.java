package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerticalSpecTest {
  /** A shipped example without its {@code simulation} block (which ./fedge sim removes before submitting). */
  private static byte[] example(String name) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
        io.fedge.federation.wire.WireCodec.mapper().readTree(Files.readAllBytes(Path.of("..", "examples", "jobs", name)));
    n.remove("simulation");
    return io.fedge.federation.wire.WireCodec.mapper().writeValueAsBytes(n);
  }

  private static VerticalSpec parse(byte[] withSimulation) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
        io.fedge.federation.wire.WireCodec.mapper().readTree(withSimulation);
    n.remove("simulation");
    return VerticalSpec.parse(io.fedge.federation.wire.WireCodec.mapper().writeValueAsBytes(n));
  }

  @Test
  void shippedExampleDocumentsParseAndOfferEachPartyItsOwnColumns() throws Exception {
    VerticalSpec s = VerticalSpec.parse(example("breast_hetero_lr.json"));
    assertThat(s.parties()).containsExactly("guest-device-id", "host-device-id");
    assertThat(s.reads("guest-device-id")).hasSize(2);
    assertThat(s.reads("guest-device-id").get(0).columns()).contains("id", "y", "x9");
    assertThat(s.reads("guest-device-id").get(1).columns()).startsWith("psi_id").contains("y");
    assertThat(s.reads("host-device-id").get(0).columns()).contains("id", "x19").doesNotContain("y");
    assertThat(VerticalSpec.parse(example("default_credit_hetero_lr.json")).lr().batchSize()).isEqualTo(1024);
  }

  @Test
  void invalidDocumentsAreRefusedNamingTheField() throws Exception {
    String ok = Files.readString(Path.of("..", "examples", "jobs", "breast_hetero_lr.json"));
    assertThatThrownBy(() -> parse(ok.replace("\"BOTH_LEARN\"", "\"GUEST_LEARNS\"").getBytes()))
        .hasMessageContaining("psi.mode");
    assertThatThrownBy(() -> parse(ok.replace("\"host-device-id\"", "\"guest-device-id\"").getBytes()))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> parse(ok.replace("\"type\": \"lr\"", "\"type\": \"sbt\"").getBytes()))
        .hasMessageContaining("unknown field 'model.maxEpochs' for model type sbt");
    assertThatThrownBy(() -> parse(ok.replace("\"type\": \"lr\"", "\"type\": \"forest\"").getBytes()))
        .hasMessageContaining("model.type").hasMessageContaining("'sbt'");
    assertThatThrownBy(() -> parse(ok.replace("\"seed\": 7", "\"seed\": 7, \"extra\": 1").getBytes()))
        .hasMessageContaining("unknown field 'extra'");
    assertThatThrownBy(() -> parse(ok.replace("\"breast_aligned\"", "\"Bad-Name\"").getBytes()))
        .hasMessageContaining("psi.aligned");
  }

  private static final String PSI_ONLY = "{\"id\": \"align-1\", \"type\": \"vertical\", \"purpose\": \"p\","
      + " \"guest\": {\"device\": \"dev-guest\", \"dataset\": \"small\", \"idColumn\": \"id\", \"features\": [\"x0\"]},"
      + " \"hosts\": [{\"device\": \"dev-host\", \"dataset\": \"large\", \"idColumn\": \"id\"}],"
      + " \"psi\": {\"mode\": \"MODE\", \"aligned\": \"small_aligned\"FILTER}}";

  @Test
  void guestLearnsAndUnbalancedRunOnlyAsPsiOnlyJobsWhereHostsReadTheirIdsAlone() throws Exception {
    VerticalSpec gl = VerticalSpec.parse(PSI_ONLY.replace("MODE", "GUEST_LEARNS").replace("FILTER", "").getBytes());
    assertThat(gl.psiOnly()).isTrue();
    assertThat(gl.storesAligned("dev-guest")).isTrue();
    assertThat(gl.storesAligned("dev-host")).isFalse();
    assertThat(gl.reads("dev-host")).singleElement().satisfies(r -> {
      assertThat(r.dataset()).isEqualTo("large");
      assertThat(r.columns()).containsExactly("id");
    });
    assertThat(gl.reads("dev-guest")).hasSize(2);
    VerticalSpec ub = VerticalSpec.parse(PSI_ONLY.replace("MODE", "UNBALANCED")
        .replace("FILTER", ", \"filterId\": \"oem-2026-11\"").getBytes());
    assertThat(ub.filterId()).isEqualTo("oem-2026-11");
    assertThatThrownBy(() -> VerticalSpec.parse(PSI_ONLY.replace("MODE", "UNBALANCED").replace("FILTER", "").getBytes()))
        .hasMessageContaining("psi.filterId");
    assertThatThrownBy(() -> VerticalSpec.parse(PSI_ONLY.replace("MODE", "BOTH_LEARN")
        .replace("FILTER", ", \"filterId\": \"oem-2026-11\"").getBytes())).hasMessageContaining("only for psi.mode UNBALANCED");
    String ok = Files.readString(Path.of("..", "examples", "jobs", "breast_hetero_lr.json"));
    assertThatThrownBy(() -> parse(ok.replace("\"BOTH_LEARN\"", "\"UNBALANCED\"").getBytes()))
        .hasMessageContaining("psi.mode").hasMessageContaining("PSI-only job");
  }

  @Test
  void reuseNeedsADatasetAlignedByBothLearnForTheSameParties() throws Exception {
    VerticalSpec first = VerticalSpec.parse(example("breast_hetero_lr.json"));
    String reuseDoc = new String(example("breast_hetero_lr.json"))
        .replaceAll("\"psi\"\\s*:\\s*\\{[^}]*\\}", "\"psi\": {\"reuse\": true, \"aligned\": \"breast_aligned\"}")
        .replace("\"breast-hetero-lr\"", "\"breast-vlr-2\"");
    VerticalSpec reuse = VerticalSpec.parse(reuseDoc.getBytes());
    assertThat(reuse.reuse()).isTrue();
    AlignedDatasets.checkReuse(reuse, java.util.List.of(first));
    assertThatThrownBy(() -> AlignedDatasets.checkReuse(reuse, java.util.List.of()))
        .hasMessageContaining("no vertical job of this hub aligned a dataset of that name");
    VerticalSpec swapped = VerticalSpec.parse(reuseDoc.replace("guest-device-id", "tmp-device-id")
        .replace("host-device-id", "guest-device-id").replace("tmp-device-id", "host-device-id").getBytes());
    assertThatThrownBy(() -> AlignedDatasets.checkReuse(swapped, java.util.List.of(first)))
        .hasMessageContaining("was aligned by job " + first.id()).hasMessageContaining("run PSI for these parties");
  }

  @Test
  void treeDocumentsParseWithTheirHyperParametersAndDefaults() throws Exception {
    VerticalSpec s = VerticalSpec.parse(example("breast_hetero_sbt.json"));
    assertThat(s.model()).isEqualTo("sbt");
    assertThat(s.lr()).isNull();
    assertThat(s.trees().trees()).isEqualTo(5);
    assertThat(s.trees().maxDepth()).isEqualTo(3);
    assertThat(s.trees().bins()).isEqualTo(32);
    assertThat(s.trees().keyBits()).isEqualTo(1024);
    assertThat(VerticalSpec.parse(example("default_credit_hetero_sbt.json")).trees().trees()).isEqualTo(3);
    String ok = Files.readString(Path.of("..", "examples", "jobs", "breast_hetero_sbt.json"));
    VerticalSpec defaults = parse(ok.replaceAll("(?s)\"model\": \\{.*?\\}", "\"model\": {\"type\": \"sbt\"}").getBytes());
    assertThat(defaults.trees().keyBits()).as("2048-bit key unless the document asks otherwise").isEqualTo(2048);
    assertThat(defaults.trees().trees()).isEqualTo(10);
    assertThat(defaults.trees().lambda()).isEqualTo(1.0);
    assertThat(defaults.trees().noise()).as("fast noise unless the document asks otherwise").isEqualTo("fixed-base");
    assertThat(defaults.trees().noiseMode()).isEqualTo(io.fedge.federation.crypto.paillier.NoiseMode.FIXED_BASE);
    VerticalSpec classic = parse(ok.replace("\"keyBits\": 1024", "\"keyBits\": 1024, \"noise\": \"classic\"")
        .getBytes());
    assertThat(classic.trees().noiseMode()).isEqualTo(io.fedge.federation.crypto.paillier.NoiseMode.CLASSIC);
    assertThat(TreeStages.describe(classic.trees()).path("noise").asText()).isEqualTo("classic");
    // the guest's stage carries the choice through the relay codec
    io.fedge.federation.vertical.relay.VerticalControl.register();
    var stage = TreeStages.stage(classic, classic.guest().device());
    assertThat(((io.fedge.federation.vertical.relay.VerticalControl.TreeStage) io.fedge.federation.vertical.relay
        .VerticalCodec.decode(io.fedge.federation.vertical.relay.VerticalCodec.encode(stage))).config().noiseMode())
        .isEqualTo(io.fedge.federation.crypto.paillier.NoiseMode.CLASSIC);
  }

  @Test
  void aTreeNoiseModeOtherThanFixedBaseOrClassicIsRefusedNamingTheField() throws Exception {
    String ok = Files.readString(Path.of("..", "examples", "jobs", "breast_hetero_sbt.json"));
    for (String bad : List.of("\"CLASSIC\"", "\"fast\"", "1", "null")) {
      assertThatThrownBy(() -> parse(ok.replace("\"keyBits\": 1024", "\"keyBits\": 1024, \"noise\": " + bad)
          .getBytes())).as(bad).hasMessageContaining("'model.noise' must be \"fixed-base\"")
          .hasMessageContaining("\"classic\"");
    }
  }

  @Test
  void invalidTreeHyperParametersAreRefusedNamingTheField() throws Exception {
    String ok = Files.readString(Path.of("..", "examples", "jobs", "breast_hetero_sbt.json"));
    assertThatThrownBy(() -> parse(ok.replace("\"keyBits\": 1024", "\"keyBits\": 512").getBytes()))
        .hasMessageContaining("model.keyBits").hasMessageContaining("1024 only for tests");
    assertThatThrownBy(() -> parse(ok.replace("\"trees\": 5", "\"trees\": 2.5").getBytes()))
        .hasMessageContaining("'model.trees' must be a whole number");
    assertThatThrownBy(() -> parse(ok.replace("\"trees\": 5", "\"trees\": 0").getBytes()))
        .hasMessageContaining("trees must be in [1, 1000]");
    assertThatThrownBy(() -> parse(ok.replace("\"maxDepth\": 3", "\"maxDepth\": 11").getBytes()))
        .hasMessageContaining("maxDepth");
    assertThatThrownBy(() -> parse(ok.replace("\"bins\": 32", "\"bins\": 1").getBytes()))
        .hasMessageContaining("bins");
    assertThatThrownBy(() -> parse(ok.replace("\"learningRate\": 0.3", "\"learningRate\": \"fast\"").getBytes()))
        .hasMessageContaining("'model.learningRate' must be a number");
    assertThatThrownBy(() -> parse(ok.replace("\"lambda\": 1.0", "\"lambda\": -1").getBytes()))
        .hasMessageContaining("lambda");
    assertThatThrownBy(() -> parse(ok.replace("\"bins\": 32", "\"bins\": 32, \"batchSize\": 64").getBytes()))
        .hasMessageContaining("unknown field 'model.batchSize'");
  }

  @Test
  void objectiveExamplesParseAndBadObjectivesAreRefusedNamingTheField() throws Exception {
    assertThat(VerticalSpec.parse(example("breast_hetero_lr.json")).lr().objective())
        .isEqualTo(io.fedge.federation.vertical.Objective.BINARY);
    assertThat(VerticalSpec.parse(example("motor_hetero_lr.json")).lr().objective())
        .isEqualTo(io.fedge.federation.vertical.Objective.REGRESSION);
    assertThat(VerticalSpec.parse(example("student_hetero_lr.json")).lr().objective())
        .isEqualTo(io.fedge.federation.vertical.Objective.REGRESSION);
    VerticalSpec vehicle = VerticalSpec.parse(example("vehicle_hetero_lr.json"));
    assertThat(vehicle.lr().objective()).isEqualTo(io.fedge.federation.vertical.Objective.multiclass(4));
    assertThat(VerticalSpec.parse(example("motor_hetero_lr.json")).reads("guest-device-id").get(0).columns())
        .startsWith("idx").contains("motor_speed");
    String ok = Files.readString(Path.of("..", "examples", "jobs", "vehicle_hetero_lr.json"));
    assertThatThrownBy(() -> parse(ok.replace("\"classes\": 4", "\"classes\": 2").getBytes()))
        .hasMessageContaining("model.classes").hasMessageContaining("use binary for 2");
    assertThatThrownBy(() -> parse(ok.replace("\"classes\": 4,", "").getBytes()))
        .hasMessageContaining("'model.classes' must be a whole number");
    assertThatThrownBy(() -> parse(ok.replace("\"multiclass\"", "\"poisson\"").getBytes()))
        .hasMessageContaining("'model.objective' must be");
    assertThatThrownBy(() -> parse(ok.replace("\"multiclass\"", "\"regression\"").getBytes()))
        .hasMessageContaining("'model.classes' is only for");
  }
}
