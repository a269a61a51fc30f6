package io.fedge.federation.rounds;

import io.fedge.federation.secagg.AdvertiseKeys;
import io.fedge.federation.secagg.EncryptedShares;
import io.fedge.federation.secagg.KeyDirectory;
import io.fedge.federation.secagg.ShareDelivery;
import io.fedge.federation.secagg.UnmaskRequest;
import io.fedge.federation.secagg.UnmaskResponse;

/**
 * One secure-aggregation step relayed by the hub (kind {@code secagg}); exactly one of the
 * payload fields is set, named by {@code step}. The masked input itself travels as a sealed update
 * ({@code round-chunk}), not here.
 */
public record SecAggMessage(
    String jobId,
    int round,
    int attempt,
    Step step,
    AdvertiseKeys keys,
    KeyDirectory directory,
    EncryptedShares shares,
    ShareDelivery delivery,
    UnmaskRequest unmask,
    UnmaskResponse unmaskResponse) {
  /** The steps, in protocol order; "up" from device, "down" from hub. */
  public enum Step {
    ADVERTISE_KEYS, // up
    KEY_DIRECTORY, // down
    SHARE_KEYS, // up
    SHARE_DELIVERY, // down
    UNMASK_REQUEST, // down
    UNMASK_RESPONSE // up
  }

  public static SecAggMessage of(String jobId, int round, int attempt, Object payload) {
    if (payload instanceof AdvertiseKeys k) {
      return new SecAggMessage(jobId, round, attempt, Step.ADVERTISE_KEYS, k, null, null, null, null, null);
    }
    if (payload instanceof KeyDirectory d) {
      return new SecAggMessage(jobId, round, attempt, Step.KEY_DIRECTORY, null, d, null, null, null, null);
    }
    if (payload instanceof EncryptedShares s) {
      return new SecAggMessage(jobId, round, attempt, Step.SHARE_KEYS, null, null, s, null, null, null);
    }
    if (payload instanceof ShareDelivery d) {
      return new SecAggMessage(jobId, round, attempt, Step.SHARE_DELIVERY, null, null, null, d, null, null);
    }
    if (payload instanceof UnmaskRequest u) {
      return new SecAggMessage(jobId, round, attempt, Step.UNMASK_REQUEST, null, null, null, null, u, null);
    }
    if (payload instanceof UnmaskResponse r) {
      return new SecAggMessage(jobId, round, attempt, Step.UNMASK_RESPONSE, null, null, null, null, null, r);
    }
    throw new IllegalArgumentException("not a secagg message: " + payload);
  }
}
