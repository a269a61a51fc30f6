package io.fedge.hub.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The fleet registry's persistence: liveness, versions, resource figures and device events. */
public interface FleetStore {

  /** Stores the latest heartbeat of a device and marks it online and seen at {@code at}. */
  void recordHeartbeat(String deviceId, Instant at, String agentVersion, String resourcesJson);

  /** Sets the online flag (from a status message, a will, or the broker) and last seen. */
  void setOnline(String deviceId, boolean online, Instant at);

  /** Marks every online device not seen since {@code seenBefore} offline; returns how many. */
  int markStaleOffline(Instant seenBefore);

  /**
   * Stores a device event once: false if this (deviceId, messageId) was stored before, so a
   * redelivered message changes nothing.
   */
  boolean insertDeviceEvent(String deviceId, String messageId, Instant at, String name, String detailJson);

  /** A device's events, newest first. */
  List<StoredDeviceEvent> deviceEvents(String deviceId, int limit);

  /** Devices matching the filter (null fields match all), ordered by device id. */
  List<DeviceView> listDevices(DeviceFilter filter);

  Optional<DeviceView> device(String deviceId);

  record DeviceFilter(String group, Boolean online, Boolean revoked, String agentVersion) {
    public static DeviceFilter all() {
      return new DeviceFilter(null, null, null, null);
    }
  }

  record StoredDeviceEvent(String messageId, Instant at, String name, String detailJson) {}
}
