package io.fedge.hub.ota;

import io.fedge.federation.config.Settings;
import java.time.Duration;

/**
 * The hub's OTA settings (docs/configuration.md).
 *
 * @param maxTargetBytes largest target upload accepted
 * @param tick how often the campaign engine runs
 */
public record OtaHubSettings(long maxTargetBytes, Duration tick) {
  public static OtaHubSettings from(Settings s) {
    return new OtaHubSettings(
        s.integer("ota.max.target.mib", 1024, 1, 16 * 1024) * 1024L * 1024L,
        s.duration("ota.tick", Duration.ofSeconds(1), Duration.ofMillis(100)));
  }
}
