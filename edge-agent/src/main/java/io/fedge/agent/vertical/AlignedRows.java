package io.fedge.agent.vertical;

import io.fedge.agent.consent.JobDataAccess;
import io.fedge.federation.vertical.PartyTable;
import java.util.ArrayList;
import java.util.List;

/**
 * A party's rows of an aligned dataset (PSI's derived dataset) as the vertical protocols take them:
 * the aligned ids in the dataset's order, the party's feature values and, at the guest, the label.
 *
 * @param table ids and feature values, row i being the i-th aligned row
 * @param labels the label of each row (guest), empty when no label column was read
 */
record AlignedRows(PartyTable table, double[] labels) {

  /**
   * Reads {@code features} (and {@code label}, if not null) of every row of {@code aligned} through
   * the job's consented access. Labels are not checked here: the protocols check them against the
   * job's objective (binary, regression, multiclass) when they start.
   */
  static AlignedRows read(JobDataAccess access, String aligned, List<String> features, String label) {
    List<String> cols = new ArrayList<>();
    cols.add(AgentVertical.ALIGNED_ID);
    cols.addAll(features);
    if (label != null) {
      cols.add(label);
    }
    List<String> ids = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    List<Double> labels = new ArrayList<>();
    int f = features.size();
    access.readRows(aligned, cols, row -> {
      ids.add((String) row[0]);
      double[] x = new double[f];
      for (int j = 0; j < f; j++) {
        x[j] = Cells.number(row[1 + j], features.get(j));
      }
      values.add(x);
      if (label != null) {
        labels.add(Cells.number(row[1 + f], label));
      }
      return true;
    });
    return new AlignedRows(new PartyTable(ids, features, values.toArray(new double[0][])),
        labels.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The rows at {@code positions}, in that order. */
  PartyTable subset(List<Integer> positions) {
    return new PartyTable(positions.stream().map(table.ids()::get).toList(), table.features(),
        positions.stream().map(table::row).toArray(double[][]::new));
  }

  /** The labels at {@code positions}, in that order. */
  double[] labelsAt(List<Integer> positions) {
    return positions.stream().mapToDouble(i -> labels[i]).toArray();
  }
}
