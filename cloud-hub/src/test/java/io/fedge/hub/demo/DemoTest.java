package io.fedge.hub.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.rounds.DatasetRead;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.rounds.JobParser;
import io.fedge.hub.rounds.JobSpec;
import io.fedge.hub.sim.DealerDataGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's job document as the hub's own parser reads it, and the round lines it prints. */
class DemoTest {
  @Test
  void theDemoJobIsAValidHorizontalJobReadingExactlyWhatTheAgentsPolicyApproves() throws Exception {
    JobSpec s = JobParser.parse(Demo.jobJson("demo-20261123-120000", 4, Path.of("/data/test.csv"))
        .getBytes(StandardCharsets.UTF_8));
    assertThat(s.requester()).isEqualTo(Demo.REQUESTER);
    assertThat(s.group()).isEqualTo("demo-dealers"); // the group of the demo's claim tokens
    assertThat(s.reads()).containsExactly(new DatasetRead(Demo.DATASET, Demo.columns()));
    assertThat(s.label()).isEqualTo("purchased");
    assertThat(s.features()).containsExactlyElementsOf(DealerDataGenerator.FEATURES);
    assertThat(s.strategy()).isEqualTo("fedavg");
    assertThat(s.secureAggregation()).isTrue();
    assertThat(s.rounds()).isEqualTo(Demo.ROUNDS);
    assertThat(s.validationPath()).isEqualTo("/data/test.csv");
  }

  @Test
  void aSingleAgentDemoRunsWithoutSecureAggregationWhichNeedsTwo() throws Exception {
    JobSpec s = JobParser.parse(Demo.jobJson("demo-one", 1, Path.of("/data/test.csv")).getBytes(StandardCharsets.UTF_8));
    assertThat(s.secureAggregation()).isFalse();
    assertThat(s.quorum()).isEqualTo(1);
  }

  @Test
  void aRoundLineShowsPhaseParticipantsLossAndValidationAuc() throws Exception {
    var r = WireCodec.mapper().readTree("{\"round\":3,\"attempt\":1,\"phase\":\"train\",\"state\":\"DONE\","
        + "\"endedAt\":\"2026-11-23T12:00:00Z\",\"digest\":{\"participants\":[\"a\",\"b\"],"
        + "\"metrics\":{\"trainLoss\":0.51234,\"auc\":0.78765}}}");
    assertThat(Demo.roundLine(r)).isEqualTo("round 3 (training, attempt 1): DONE, 2 agent(s), train loss 0.5123,"
        + " validation AUC 0.7877");
    var failed = WireCodec.mapper().readTree("{\"round\":1,\"attempt\":1,\"phase\":\"train\",\"state\":\"FAILED\","
        + "\"reason\":\"deadline passed\"}");
    assertThat(Demo.roundLine(failed)).isEqualTo("round 1 (training, attempt 1): FAILED (deadline passed)");
    assertThat(List.of(Demo.columns().get(0))).containsExactly("purchased");
  }
}
