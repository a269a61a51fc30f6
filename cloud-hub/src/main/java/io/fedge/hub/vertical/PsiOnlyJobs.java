package io.fedge.hub.vertical;

import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The end of a PSI-only vertical job (no {@code model}): every party reported its PSI stage, the
 * guest stored the aligned dataset. The job's metrics say what was aligned and, in the UNBALANCED
 * mode, how the large party's filter was obtained ({@code filter_ids_blinded} = 0 when it reused a
 * filter it had published before) and the bound on expected false members.
 */
final class PsiOnlyJobs {
  /** Metrics a party may report for its PSI stage and the hub copies into a PSI-only job's metrics. */
  static final java.util.List<String> REPORTED = java.util.List.of("filter_ids_blinded", "filter_items",
      "filter_fingerprint_bits", "expected_false_positives_bound");

  private PsiOnlyJobs() {}

  static void finish(VerticalSpec spec, Map<String, StageReport> reports, long alignedRows,
      Consumer<Map<String, Double>> metrics) {
    Map<String, Double> m = new TreeMap<>();
    m.put("aligned_rows", (double) alignedRows);
    m.put("psi_mode_" + spec.mode().name().toLowerCase(java.util.Locale.ROOT), 1.0);
    for (String p : spec.parties()) {
      StageReport r = reports.get("psi/" + p);
      if (r != null && r.metrics() != null) {
        for (String k : REPORTED) {
          Double v = r.metrics().get(k);
          if (v != null) {
            m.put(k, v);
          }
        }
      }
    }
    metrics.accept(Collections.unmodifiableMap(m));
  }
}
