package io.fedge.agent.consent;

import io.fedge.federation.wire.DatasetColumns;
import java.time.Instant;
import java.util.List;

/**
 * A standing decision of the dealer: approve, without asking, any job of {@code requester} that
 * reads only columns listed in {@code allowed}. A job that asks for anything more is left for the
 * dealer. Policies only ever approve; refusing needs no policy (a pending request never reads).
 */
public record ConsentPolicy(
    String name, String requester, List<DatasetColumns> allowed, String createdBy, Instant createdAt) {

  /** Whether every column {@code reads} asks for is allowed here. */
  public boolean covers(String requester, List<DatasetColumns> reads) {
    if (!this.requester.equals(requester) || reads.isEmpty()) {
      return false;
    }
    for (DatasetColumns want : reads) {
      List<String> have = allowed.stream().filter(a -> a.dataset().equals(want.dataset()))
          .flatMap(a -> a.columns().stream()).toList();
      if (!have.containsAll(want.columns())) {
        return false;
      }
    }
    return true;
  }
}
