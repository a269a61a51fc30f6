package io.fedge.hub.vertical;

import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.rounds.RoundTransport;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The hub's relay of vertical-job packets (message kind {@code vertical}). Plain Java: for each
 * packet from an authenticated device it checks that the packet names that device as its sender,
 * that the job is a running vertical job, that sender and receiver are both parties of it (or the
 * receiver is the hub), and that device-to-device payloads are sealed; then it forwards the packet
 * unchanged to the receiver, or hands it to the hub's own endpoint. Sizes are bounded by
 * {@link VerticalPacket} and the chunk's own checks (hash, length, count). The relay never opens a
 * sealed payload: it has no key for it.
 */
public final class VerticalRelay {
  private final Function<String, Optional<Set<String>>> partiesOf;
  private final RoundTransport downlink;
  private final Consumer<VerticalPacket> toHub;

  /**
   * @param partiesOf the device ids of a running vertical job, empty if there is no such job
   * @param downlink hub -> device messages
   * @param toHub packets addressed to the hub (the arbiter's inbox)
   */
  public VerticalRelay(Function<String, Optional<Set<String>>> partiesOf, RoundTransport downlink,
      Consumer<VerticalPacket> toHub) {
    this.partiesOf = partiesOf;
    this.downlink = downlink;
    this.toHub = toHub;
  }

  /** @throws WireException naming what was wrong; the device gets it as an error reply */
  public void onPacket(String deviceId, VerticalPacket p) {
    if (!deviceId.equals(p.from())) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "packet claims to be from " + p.from()
          + " but was sent by " + deviceId);
    }
    Set<String> parties = partiesOf.apply(p.jobId()).orElseThrow(() -> new WireException(
        WireException.Reason.INVALID_FIELD, "no running vertical job '" + p.jobId() + "'"));
    if (!parties.contains(deviceId)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, deviceId + " is not a party of job " + p.jobId());
    }
    if (VerticalPacket.HUB.equals(p.to())) {
      toHub.accept(p);
      return;
    }
    if (!parties.contains(p.to())) {
      throw new WireException(WireException.Reason.INVALID_FIELD, p.to() + " is not a party of job " + p.jobId()
          + "; messages go only to the job's parties");
    }
    if (!p.sealed()) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "messages between parties must be sealed to the "
          + "receiver's job key; the hub refuses to relay plaintext");
    }
    downlink.send(p.to(), Kinds.VERTICAL, p);
  }
}
