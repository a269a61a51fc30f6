package io.fedge.hub.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fedge.federation.wire.DeviceEvent;
import io.fedge.federation.wire.DeviceStatus;
import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.Heartbeat;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.messaging.UpstreamHandler;
import io.fedge.hub.messaging.UpstreamHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet registry's logic: what the hub does with each message a device sends, and with the
 * broker's connect and disconnect notices. Transport-free; the MQTT adapter calls it.
 */
public final class FleetService {
  private static final Logger LOG = LoggerFactory.getLogger(FleetService.class);

  /** A reply the hub sends back to the device (e.g. an error naming what was refused). */
  public record Reply(String topic, byte[] payload) {}

  private final FleetStore store;
  private final Clock clock;
  private final String hubId;
  private final UpstreamHandlers handlers;

  /**
   * @param handlers where the other features (rounds, consent, ledger, OTA) register the message
   *     kinds they own; the fleet's own kinds (heartbeat, status, event) are handled here
   */
  public FleetService(FleetStore store, Clock clock, String hubId, UpstreamHandlers handlers) {
    this.store = store;
    this.clock = clock;
    this.hubId = hubId;
    this.handlers = handlers;
  }

  /**
   * Applies one upstream message. Idempotent: a redelivered event changes nothing. Returns an error
   * reply for messages that cannot be accepted, so the device learns why instead of hearing silence.
   */
  public Optional<Reply> onUpMessage(String topic, byte[] payload) {
    Optional<Topics.Up> up = Topics.parseUp(topic);
    if (up.isEmpty()) {
      LOG.warn("ignored message on unexpected topic {}", topic);
      return Optional.empty();
    }
    String deviceId = up.get().deviceId();
    Envelope e;
    try {
      e = WireCodec.decode(payload);
      if (!deviceId.equals(e.sender())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "sender does not match the topic's device id");
      }
      if (!up.get().kind().equals(e.type())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "message type does not match the topic's kind");
      }
      apply(deviceId, e);
      return Optional.empty();
    } catch (WireException ex) {
      LOG.warn("refused message from {} on {}: {} ({})", deviceId, topic, ex.getMessage(), ex.reason());
      return Optional.of(errorReply(deviceId, ex));
    }
  }

  private void apply(String deviceId, Envelope e) {
    Instant now = clock.instant();
    switch (e.type()) {
      case Kinds.HEARTBEAT -> {
        Heartbeat hb = WireCodec.body(e, Heartbeat.class);
        store.recordHeartbeat(deviceId, now, hb.agentVersion(), e.body().toString());
      }
      case Kinds.STATUS -> {
        DeviceStatus st = WireCodec.body(e, DeviceStatus.class);
        store.setOnline(deviceId, st.online(), now);
      }
      case Kinds.EVENT -> {
        DeviceEvent ev = WireCodec.body(e, DeviceEvent.class);
        if (ev.name() == null || ev.name().isBlank() || ev.name().length() > 64) {
          throw new WireException(WireException.Reason.INVALID_FIELD, "event name must be 1-64 characters");
        }
        String detail;
        try {
          detail = WireCodec.mapper().writeValueAsString(ev.detail() == null ? Map.of() : ev.detail());
        } catch (JsonProcessingException ex) {
          throw new WireException(WireException.Reason.MALFORMED, "event detail cannot be encoded");
        }
        boolean fresh = store.insertDeviceEvent(deviceId, e.id(), e.ts(), ev.name(), detail);
        if (fresh) {
          LOG.info("device {} event {}", deviceId, ev.name());
        }
      }
      default -> {
        UpstreamHandler h =
            handlers
                .find(e.type())
                .orElseThrow(
                    () ->
                        new WireException(
                            WireException.Reason.INVALID_FIELD,
                            "message kind '" + e.type() + "' is not accepted from devices"));
        h.handle(deviceId, e);
      }
    }
  }

  private Reply errorReply(String deviceId, WireException ex) {
    Envelope reply =
        WireCodec.envelope(
            Kinds.ERROR, hubId, clock.instant(), Map.of("reason", ex.reason().name(), "message", ex.getMessage()));
    return new Reply(Topics.down(deviceId, Kinds.ERROR), WireCodec.encode(reply));
  }

  /** The broker accepted a connection from {@code clientId}. */
  public void onConnected(String clientId) {
    if (Ids.isValid(clientId)) {
      store.setOnline(clientId, true, clock.instant());
    }
  }

  /** The broker lost or closed the connection of {@code clientId}. */
  public void onDisconnected(String clientId) {
    if (Ids.isValid(clientId)) {
      store.setOnline(clientId, false, clock.instant());
    }
  }

  /** Marks devices silent for longer than {@code timeout} offline (for brokers that send no notices). */
  public int sweepStale(Duration timeout) {
    int n = store.markStaleOffline(clock.instant().minus(timeout));
    if (n > 0) {
      LOG.info("marked {} silent devices offline", n);
    }
    return n;
  }
}
