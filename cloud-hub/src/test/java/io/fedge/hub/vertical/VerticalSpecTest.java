package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
        .hasMessageContaining("model.type");
    assertThatThrownBy(() -> parse(ok.replace("\"seed\": 7", "\"seed\": 7, \"extra\": 1").getBytes()))
        .hasMessageContaining("unknown field 'extra'");
    assertThatThrownBy(() -> parse(ok.replace("\"breast_aligned\"", "\"Bad-Name\"").getBytes()))
        .hasMessageContaining("psi.aligned");
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
