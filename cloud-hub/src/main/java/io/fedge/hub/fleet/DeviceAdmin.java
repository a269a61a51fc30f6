package io.fedge.hub.fleet;

import io.fedge.provisioning.EnrollmentService;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator actions on one device that touch identity, broker and registry together. */
public final class DeviceAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAdmin.class);

  /** Closes a client's live MQTT connection; implemented by the embedded broker. */
  @FunctionalInterface
  public interface Disconnector {
    boolean disconnect(String clientId);
  }

  public enum RevokeOutcome {
    REVOKED,
    ALREADY_REVOKED,
    UNKNOWN_DEVICE
  }

  private final EnrollmentService enrollment;
  private final FleetStore fleet;
  private final Disconnector broker;

  public DeviceAdmin(EnrollmentService enrollment, FleetStore fleet, Disconnector broker) {
    this.enrollment = enrollment;
    this.fleet = fleet;
    this.broker = broker;
  }

  /**
   * Revokes a device: from now on the broker refuses its connections and the hub its renewals, and
   * its live connection is closed at once.
   */
  public RevokeOutcome revoke(String deviceId, String actor, String reason) {
    Optional<DeviceView> d = fleet.device(deviceId);
    if (d.isEmpty()) {
      return RevokeOutcome.UNKNOWN_DEVICE;
    }
    if (d.get().revoked()) {
      return RevokeOutcome.ALREADY_REVOKED;
    }
    if (!enrollment.revoke(deviceId, actor, reason)) {
      return RevokeOutcome.ALREADY_REVOKED;
    }
    boolean wasConnected = broker.disconnect(deviceId);
    LOG.info("device {} revoked by {} (was connected: {})", deviceId, actor, wasConnected);
    return RevokeOutcome.REVOKED;
  }
}
