package io.fedge.federation.horizontal;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@link AnomalyDetector#screen}: one verdict per update, in input order.
 *
 * @param updates the updates screened
 * @param verdicts one per update, same order
 * @param note why some checks did not run, or null
 */
public record AnomalyReport(List<ClientUpdate> updates, List<Verdict> verdicts, String note) {
  public AnomalyReport {
    updates = List.copyOf(updates);
    verdicts = List.copyOf(verdicts);
    if (updates.size() != verdicts.size()) {
      throw new IllegalArgumentException("one verdict per update");
    }
  }

  /** The updates that were not flagged, to be aggregated. */
  public List<ClientUpdate> accepted() {
    List<ClientUpdate> out = new ArrayList<>();
    for (int k = 0; k < updates.size(); k++) {
      if (!verdicts.get(k).flagged()) {
        out.add(updates.get(k));
      }
    }
    return out;
  }

  /** The verdicts that flag their update. */
  public List<Verdict> flagged() {
    return verdicts.stream().filter(Verdict::flagged).toList();
  }

  /**
   * A copy with an extra reason on {@code clientId}'s verdict, for checks made elsewhere (e.g.
   * "bad signature" from the transport layer).
   */
  public AnomalyReport withFlag(String clientId, String reason) {
    List<Verdict> vs = new ArrayList<>();
    boolean found = false;
    for (Verdict v : verdicts) {
      if (v.clientId().equals(clientId)) {
        List<String> r = new ArrayList<>(v.reasons());
        r.add(reason);
        vs.add(new Verdict(v.clientId(), r, v.norm(), v.normZ(), v.cosine()));
        found = true;
      } else {
        vs.add(v);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no update from " + clientId + " in this report");
    }
    return new AnomalyReport(updates, vs, note);
  }

  /**
   * The screening of one update.
   *
   * @param clientId the sender
   * @param reasons why it is flagged; empty when it is accepted
   * @param norm L2 norm of its delta to the global model (NaN if not finite)
   * @param normZ robust z-score of that norm (NaN if not computed)
   * @param cosine cosine of its delta to the coordinate-wise median delta (NaN if not computed)
   */
  public record Verdict(
      String clientId, List<String> reasons, double norm, double normZ, double cosine) {
    public Verdict {
      reasons = List.copyOf(reasons);
    }

    public boolean flagged() {
      return !reasons.isEmpty();
    }
  }
}
