package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.horizontal.AnomalyReport;
import io.fedge.federation.horizontal.Contribution;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records that travel in job documents and round records survive a JSON round trip. */
class JsonShapesTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void specsParamsScalersAndResultsRoundTripThroughJackson() throws Exception {
    ModelSpec spec = ModelSpec.mlp(3, 42, 16, 8);
    assertThat(json.readValue(json.writeValueAsString(spec), ModelSpec.class)).isEqualTo(spec);
    TrainParams params = new TrainParams(2, 32, 0.05, 1e-4, 0.1, 7);
    assertThat(json.readValue(json.writeValueAsString(params), TrainParams.class))
        .isEqualTo(params);
    Scaler scaler = new Scaler(new double[] {1, 2}, new double[] {3, 4});
    assertThat(json.readValue(json.writeValueAsString(scaler), Scaler.class)).isEqualTo(scaler);
    Evaluation e = new Evaluation(0.9, 0.7, 0.8, 2.5, 0.3);
    assertThat(json.readValue(json.writeValueAsString(e), Evaluation.class)).isEqualTo(e);
    AnomalyReport.Verdict v =
        new AnomalyReport.Verdict("dev-1", List.of("norm outlier: ..."), 1.5, 9.0, 0.8);
    assertThat(json.readValue(json.writeValueAsString(v), AnomalyReport.Verdict.class))
        .isEqualTo(v);
    Contribution c = new Contribution("dev-1", 0.01, "leave-one-out");
    assertThat(json.readValue(json.writeValueAsString(c), Contribution.class)).isEqualTo(c);
  }

  @Test
  void aJobDocumentWithAnUnknownModelTypeIsRejectedWithTheAllowedTypes() {
    String bad = "{\"type\":\"svm\",\"classes\":2,\"hidden\":[],\"seed\":0}";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.readValue(bad, ModelSpec.class))
        .hasStackTraceContaining("use one of logistic, softmax, mlp");
  }
}
