package io.fedge.hub.vertical;

import io.fedge.federation.psi.PsiMode;
import java.util.List;

/**
 * Which aligned datasets a job with {@code "psi": {"reuse": true, "aligned": NAME}} may name: one
 * that an earlier vertical job of this hub derived by BOTH_LEARN PSI (so every party holds it, rows
 * in the same order), with the same guest and the same hosts, each reading the same dataset. Checked
 * at submission, before any party is asked; the parties' id digests (docs/vertical.md) check the
 * rows themselves at training.
 */
final class AlignedDatasets {
  private AlignedDatasets() {}

  /**
   * @param producers jobs of this hub whose PSI finished at every party (restored ones included)
   * @throws VerticalSpec.InvalidVerticalJobException naming what is wrong and what to do
   */
  static void checkReuse(VerticalSpec spec, List<VerticalSpec> producers) {
    List<VerticalSpec> same = producers.stream().filter(p -> p.aligned().equals(spec.aligned())).toList();
    if (same.isEmpty()) {
      throw new VerticalSpec.InvalidVerticalJobException("'psi.aligned' " + spec.aligned()
          + ": no vertical job of this hub aligned a dataset of that name; run a job with PSI first"
          + " (psi.mode BOTH_LEARN) or name the aligned dataset of one that did");
    }
    for (VerticalSpec p : same) {
      if (p.mode() == PsiMode.BOTH_LEARN && p.guest().device().equals(spec.guest().device())
          && hosts(p).equals(hosts(spec))) {
        return;
      }
    }
    VerticalSpec p = same.get(same.size() - 1);
    throw new VerticalSpec.InvalidVerticalJobException("'psi.aligned' " + spec.aligned() + " was aligned by job "
        + p.id() + " (" + p.mode() + ") for guest " + p.guest().device() + " and hosts " + hosts(p)
        + "; this job names guest " + spec.guest().device() + " and hosts " + hosts(spec)
        + ": an aligned dataset serves only the parties it was aligned for (in BOTH_LEARN mode); run PSI for these parties");
  }

  private static List<String> hosts(VerticalSpec s) {
    return s.hosts().stream().map(VerticalSpec.Party::device).sorted().toList();
  }
}
