package io.fedge.hub.rounds;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a job's open round attempt, for the ops console: who was invited, whose update is
 * in, who declined or was refused (with the reason), the attempt's state and deadlines. Taken under
 * the coordinator's lock, so the lists are consistent with each other.
 *
 * @param uploaded devices whose upload was stored (masked input under secure aggregation)
 * @param declined device to reason (declined the invitation, or its upload was refused)
 * @param phaseDeadline when the current state's time is up (secure attempts split the round deadline)
 */
public record RoundProgress(
    String jobId,
    int round,
    int attempt,
    String phase,
    String state,
    boolean secure,
    Instant startedAt,
    Instant deadline,
    Instant phaseDeadline,
    List<String> invited,
    List<String> uploaded,
    Map<String, String> declined,
    List<String> advertised,
    List<String> shared,
    List<String> unmasked) {

  static RoundProgress of(Attempt a) {
    return new RoundProgress(
        a.jobId(),
        a.invite.round(),
        a.invite.attempt(),
        a.invite.phase(),
        a.state.name(),
        a.invite.secagg() != null,
        a.startedAt,
        a.invite.deadline(),
        a.phaseDeadline(),
        List.copyOf(a.invite.participants()),
        List.copyOf(a.commitments.keySet()),
        new java.util.TreeMap<>(a.refused),
        List.copyOf(a.advertised),
        List.copyOf(a.shared),
        List.copyOf(a.unmasked));
  }

  /** Invited devices that have neither uploaded nor declined yet. */
  public List<String> waiting() {
    return invited.stream().filter(d -> !uploaded.contains(d) && !declined.containsKey(d)).toList();
  }
}
