package io.fedge.agent.rounds;

import io.fedge.federation.model.Table;
import java.io.IOException;

/**
 * Where a round's local training rows come from: the rows of {@code dataset}, with {@code label}
 * as the target and every other numeric column as a feature (the participant keeps only the job's
 * features). The consent-guarded ingestion store implements this in the product; {@link
 * CsvTrainingData} reads a CSV file per dataset.
 */
@FunctionalInterface
public interface TrainingData {
  Table read(String dataset, String label) throws IOException;
}
