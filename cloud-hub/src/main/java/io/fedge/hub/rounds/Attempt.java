package io.fedge.hub.rounds;

import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.UpdatePayload;
import io.fedge.federation.secagg.SecAggServer;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the coordinator holds in memory about one open round attempt. Everything needed to resume a
 * plain attempt after a restart is also in the store (invite, round key, updates); the secure
 * aggregation server's state is not, so a restarted hub fails an open secure attempt.
 */
final class Attempt {
  final JobSpec spec;
  final RoundInvite invite;
  final RoundKeyPair key;
  final Instant startedAt;
  RoundState state;
  /** Decoded updates by device, in arrival order. */
  final Map<String, UpdatePayload> updates = new LinkedHashMap<>();
  /** Commitment (hex SHA-256 of the upload) by device, for every upload stored. */
  final Map<String, String> commitments = new LinkedHashMap<>();
  /** Devices that declined or whose upload was refused, with the reason. */
  final Map<String, String> refused = new LinkedHashMap<>();
  final Set<String> advertised = new LinkedHashSet<>();
  final Set<String> shared = new LinkedHashSet<>();
  final Set<String> unmasked = new LinkedHashSet<>();
  SecAggServer secagg;

  Attempt(JobSpec spec, RoundInvite invite, RoundKeyPair key, Instant startedAt, RoundState state) {
    this.spec = spec;
    this.invite = invite;
    this.key = key;
    this.startedAt = startedAt;
    this.state = state;
  }

  String jobId() {
    return invite.jobId();
  }

  /** When the current state's time is up. Secure attempts split the round deadline into phases. */
  Instant phaseDeadline() {
    long d = invite.deadline().toEpochMilli() - startedAt.toEpochMilli();
    long at = switch (state) {
      case ADVERTISING -> d / 4;
      case SHARING -> d / 2;
      case UNMASKING -> d + d / 4;
      default -> d;
    };
    return startedAt.plusMillis(at);
  }

  /** Invited devices that have not answered the current state and have not been refused. */
  boolean everyoneAnswered(Set<String> answered) {
    for (String d : invite.participants()) {
      if (!answered.contains(d) && !refused.containsKey(d)) {
        return false;
      }
    }
    return true;
  }
}
