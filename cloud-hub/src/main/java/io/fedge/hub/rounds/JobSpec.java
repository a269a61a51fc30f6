package io.fedge.hub.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.rounds.DatasetRead;
import java.time.Duration;
import java.util.List;

/**
 * A validated federated job document (see docs/jobs.md). Built only by {@link JobParser}.
 *
 * @param participants explicit device ids, or empty when {@code group} is set
 * @param group device group whose enrolled, unrevoked devices are invited, or null
 * @param features the feature columns, in model order
 * @param pipeline stages in order, e.g. [scale, train, evaluate, publish]
 * @param model the model specification as given (type plus model options)
 * @param hyper local-training hyper-parameters as given
 * @param quorum fewest participants whose updates make a round count
 * @param maxAttempts attempts per round before the job fails
 * @param consentTimeout how long participants have to answer the job offer
 * @param validationPath CSV file on the hub (header row; features and label) for metrics and
 *     contributions, or null
 */
public record JobSpec(
    String id,
    String title,
    String requester,
    String purpose,
    List<String> participants,
    String group,
    List<DatasetRead> reads,
    List<String> features,
    String label,
    List<String> pipeline,
    JsonNode model,
    JsonNode hyper,
    int rounds,
    Duration roundDeadline,
    int quorum,
    int maxAttempts,
    Duration consentTimeout,
    String strategy,
    double proxMu,
    boolean secureAggregation,
    double maxDropoutFraction,
    JsonNode dp,
    String validationPath,
    JsonNode document) {

  public boolean scales() {
    return pipeline.contains("scale");
  }

  public boolean publishes() {
    return pipeline.contains("publish");
  }
}
