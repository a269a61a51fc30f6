package io.fedge.hub.rounds;

import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A job's metrics as series over its rounds, read from the digests of the completed attempts (one
 * point per round: the attempt that completed it). Failed attempts give no point, nor does the
 * scaling round (its digest carries the statistics of the data, not of a model). Non-finite values (NaN, infinities) become null: JSON has no
 * number for them, and a plot shows a gap.
 *
 * @param rounds the round numbers that have a point, ascending
 * @param series metric name to one value per entry of {@code rounds} (null where that round lacked it)
 */
public record MetricsHistory(List<Integer> rounds, Map<String, List<Double>> series) {

  public static MetricsHistory of(List<RoundRow> attempts) {
    TreeMap<Integer, Map<String, Double>> byRound = new TreeMap<>();
    for (RoundRow r : attempts) {
      if (r.state() != RoundState.DONE || r.digestJson() == null) {
        continue;
      }
      RoundDigest d = Coordinator.read(r.digestJson(), RoundDigest.class);
      if (io.fedge.federation.rounds.RoundInvite.SCALE.equals(d.phase()) || d.metrics() == null || d.metrics().isEmpty()) {
        continue;
      }
      byRound.put(r.round(), d.metrics());
    }
    TreeSet<String> names = new TreeSet<>();
    byRound.values().forEach(m -> names.addAll(m.keySet()));
    Map<String, List<Double>> series = new TreeMap<>();
    for (String n : names) {
      List<Double> values = new ArrayList<>();
      for (Map<String, Double> m : byRound.values()) {
        Double v = m.get(n);
        values.add(v == null || !Double.isFinite(v) ? null : v);
      }
      series.put(n, java.util.Collections.unmodifiableList(values));
    }
    return new MetricsHistory(List.copyOf(byRound.keySet()), series);
  }
}
