package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobParserTest {
  static ObjectNode valid() throws Exception {
    return (ObjectNode) WireCodec.mapper().readTree(CoordinatorTest.job("job-1", true, 3, "[\"d-aaa1\",\"d-bbb2\"]", ""));
  }

  static String refusal(ObjectNode doc) {
    try {
      JobParser.parse(doc.toString().getBytes(StandardCharsets.UTF_8));
      return null;
    } catch (JobParser.InvalidJobException e) {
      return e.getMessage();
    }
  }

  @Test
  void aCompleteDocumentParsesWithItsDefaults() throws Exception {
    JobSpec s = JobParser.parse(valid().toString().getBytes(StandardCharsets.UTF_8));
    assertThat(s.features()).hasSize(30).doesNotContain("y");
    assertThat(s.pipeline()).containsExactly("scale", "train", "evaluate", "publish");
    assertThat(s.quorum()).isEqualTo(2);
    assertThat(s.strategy()).isEqualTo("fedavg");
    assertThat(s.secureAggregation()).isTrue();
    assertThat(s.maxAttempts()).isEqualTo(3);
  }

  @Test
  void unknownFieldsAndBadValuesAreRefusedNamingTheField() throws Exception {
    ObjectNode d = valid();
    d.put("roundz", 3);
    assertThat(refusal(d)).contains("unknown field 'roundz'");
    d = valid();
    d.put("rounds", 0);
    assertThat(refusal(d)).contains("'rounds'").contains("1..10000");
    d = valid();
    d.put("label", "income");
    assertThat(refusal(d)).contains("label column 'income' is not among the columns the job reads");
    d = valid();
    d.set("features", WireCodec.mapper().valueToTree(java.util.List.of("x1", "salary")));
    assertThat(refusal(d)).contains("feature 'salary'").contains("consent");
    d = valid();
    d.put("group", "dealers");
    assertThat(refusal(d)).contains("exactly one of 'participants'");
    d = valid();
    d.set("pipeline", WireCodec.mapper().valueToTree(java.util.List.of("train", "scale")));
    assertThat(refusal(d)).contains("in the order");
    d = valid();
    d.set("model", WireCodec.mapper().valueToTree(java.util.Map.of("type", "forest")));
    assertThat(refusal(d)).contains("model type 'forest' is unknown");
    d = valid();
    d.set("strategy", WireCodec.mapper().valueToTree(java.util.Map.of("name", "fedprox")));
    assertThat(refusal(d)).contains("positive proximal term");
    d = valid();
    d.put("quorum", 3);
    assertThat(refusal(d)).contains("exceeds the 2 listed participants");
    d = valid();
    ((ObjectNode) d.get("secureAggregation")).put("maxDropoutFraction", 0.6);
    assertThat(refusal(d)).contains("maxDropoutFraction");
    d = valid();
    d.set("dp", WireCodec.mapper().valueToTree(java.util.Map.of("enabled", true, "clipNorm", -1, "noiseMultiplier", 1)));
    assertThat(refusal(d)).contains("dp.clipNorm must be positive");
    d = valid();
    d.set("participants", WireCodec.mapper().valueToTree(java.util.List.of("d-aaa1", "d-aaa1")));
    assertThat(refusal(d)).contains("twice");
  }

  @Test
  void notJsonOrTooLargeIsRefused() {
    assertThatThrownBy(() -> JobParser.parse("{".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> JobParser.parse(new byte[JobParser.MAX_DOCUMENT_BYTES + 1])).hasMessageContaining("at most");
  }
}
