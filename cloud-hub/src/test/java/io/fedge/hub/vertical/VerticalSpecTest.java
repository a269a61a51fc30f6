package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VerticalSpecTest {
  private static byte[] example(String name) throws Exception {
    return Files.readAllBytes(Path.of("..", "examples", "jobs", name));
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
    String ok = new String(example("breast_hetero_lr.json"));
    assertThatThrownBy(() -> VerticalSpec.parse(ok.replace("\"BOTH_LEARN\"", "\"GUEST_LEARNS\"").getBytes()))
        .hasMessageContaining("psi.mode");
    assertThatThrownBy(() -> VerticalSpec.parse(ok.replace("\"host-device-id\"", "\"guest-device-id\"").getBytes()))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> VerticalSpec.parse(ok.replace("\"type\": \"lr\"", "\"type\": \"sbt\"").getBytes()))
        .hasMessageContaining("model.type");
    assertThatThrownBy(() -> VerticalSpec.parse(ok.replace("\"seed\": 7", "\"seed\": 7, \"extra\": 1").getBytes()))
        .hasMessageContaining("unknown field 'extra'");
    assertThatThrownBy(() -> VerticalSpec.parse(ok.replace("\"breast_aligned\"", "\"Bad-Name\"").getBytes()))
        .hasMessageContaining("psi.aligned");
  }
}
