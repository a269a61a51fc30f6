package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.vertical.relay.VerticalCodec;
import io.fedge.federation.vertical.relay.VerticalControl;
import io.fedge.federation.vertical.relay.VerticalControl.TreeStage;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeStagesTest {
  private static VerticalSpec example() throws Exception {
    var n = (com.fasterxml.jackson.databind.node.ObjectNode) WireCodec.mapper().readTree(
        Files.readAllBytes(Path.of("..", "examples", "jobs", "breast_hetero_sbt.json")));
    n.remove("simulation");
    return VerticalSpec.parse(WireCodec.mapper().writeValueAsBytes(n));
  }

  @Test
  void onlyTheGuestReceivesTheTreeConfigurationAndEachPartyItsOwnColumns() throws Exception {
    VerticalSpec s = example();
    TreeStage guest = TreeStages.stage(s, "guest-device-id");
    TreeStage host = TreeStages.stage(s, "host-device-id");
    assertThat(guest.role()).isEqualTo("guest");
    assertThat(guest.config()).isEqualTo(s.trees());
    assertThat(guest.label()).isEqualTo("y");
    assertThat(guest.features()).hasSize(10);
    assertThat(host.role()).isEqualTo("host");
    assertThat(host.config()).as("hosts take the configuration from the guest's Setup").isNull();
    assertThat(host.label()).isNull();
    assertThat(host.features()).hasSize(20);
    assertThat(List.of(guest, host)).allMatch(t -> t.hosts().equals(List.of("host-device-id"))
        && t.guest().equals("guest-device-id") && t.aligned().equals("breast_aligned") && t.seed() == 7);
  }

  @Test
  void theStageRecordSurvivesTheRelayCodec() throws Exception {
    VerticalControl.register();
    TreeStage guest = TreeStages.stage(example(), "guest-device-id");
    assertThat(VerticalCodec.decode(VerticalCodec.encode(guest))).isEqualTo(guest);
  }

  @Test
  void theRegistryRecordsEveryHyperParameter() throws Exception {
    var d = TreeStages.describe(example().trees());
    assertThat(d.path("trees").asInt()).isEqualTo(5);
    assertThat(d.path("keyBits").asInt()).isEqualTo(1024);
    assertThat(d.has("maxDepth") && d.has("learningRate") && d.has("bins") && d.has("lambda")
        && d.has("minChildWeight") && d.has("fractionBits")).isTrue();
    assertThat(TreeStages.scoreRequest("j", "r", List.of("1")).replyToRequester()).isTrue();
  }
}
