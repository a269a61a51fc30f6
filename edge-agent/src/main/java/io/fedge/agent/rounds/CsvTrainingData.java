package io.fedge.agent.rounds;

import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** {@link TrainingData} from {@code <dir>/<dataset>.csv} (header row, numeric columns). */
public final class CsvTrainingData implements TrainingData {
  private static final Pattern DATASET = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private final Path dir;

  public CsvTrainingData(Path dir) {
    this.dir = dir;
  }

  @Override
  public Table read(String dataset, String label) throws IOException {
    if (!DATASET.matcher(dataset).matches()) {
      throw new IOException("dataset name '" + dataset + "' is not a valid name");
    }
    Path f = dir.resolve(dataset + ".csv");
    if (!Files.isRegularFile(f)) {
      throw new IOException("no training data for dataset '" + dataset + "': expected " + f);
    }
    return TableCsv.read(f, label, null);
  }
}
