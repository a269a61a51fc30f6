package io.fedge.agent.ota;

import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's OTA settings. {@code ota.home} and {@code ota.slot} are set by the launcher
 * ({@code FEDGE_AGENT_OTA_HOME}, {@code FEDGE_AGENT_OTA_SLOT}); an agent started without the
 * launcher has no slots and cannot update itself (it says so on its dashboard).
 *
 * @param home the launcher's home (slots/, boot.properties), or null
 * @param slot the slot this agent runs from ({@code a} or {@code b}), or null
 * @param trustedRoot the release repository's root metadata pinned on the appliance
 * @param downloadBytesPerSecond download rate cap, 0 for none
 * @param retryBase first pause between download attempts (doubles, at most 5 attempts per offer)
 */
public record OtaSettings(Path home, String slot, Path trustedRoot, long downloadBytesPerSecond, Duration retryBase) {

  public static OtaSettings from(Settings s) {
    Path home = s.path("ota.home", null);
    String slot = s.string("ota.slot", null);
    if (slot != null && !slot.equals("a") && !slot.equals("b")) {
      throw new Settings.ConfigException("ota.slot must be a or b, got '" + slot + "'");
    }
    Path root = s.path("ota.trusted.root", home == null ? null : home.resolve("root.json"));
    long rate = s.integer("ota.download.rate", 0, 0, Integer.MAX_VALUE);
    Duration retry = s.duration("ota.retry.base", Duration.ofSeconds(5), Duration.ofMillis(100));
    return new OtaSettings(home == null ? null : home.toAbsolutePath().normalize(), slot, root, rate, retry);
  }

  public boolean enabled() {
    return home != null && slot != null;
  }
}
