package io.fedge.hub.broker.external;

import io.fedge.federation.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the hub uses an external MQTT 5 broker instead of its embedded one (docs/operations.md,
 * "External MQTT broker"). Mosquitto 2.0 is the tested reference.
 *
 * @param host the broker's host name or address, as the hub and the devices reach it
 * @param port the broker's TLS port
 * @param crlFile where the hub writes the device CA's revocation list; the broker's {@code
 *     crlfile} must read this file (or a copy of it)
 * @param crlValidity how long each written list is valid; the hub rewrites it at a third of this
 * @param reloadCommand run (no shell) after each list is written so the broker rereads it, for
 *     example {@code systemctl reload mosquitto}; empty to rely on something else
 * @param kickRevoked whether to disconnect a revoked device at once through Mosquitto's
 *     dynamic-security plugin ({@code $CONTROL/dynamic-security/v1})
 */
public record ExternalBrokerSettings(
    String host, int port, Path crlFile, Duration crlValidity, List<String> reloadCommand, boolean kickRevoked) {

  public ExternalBrokerSettings {
    reloadCommand = List.copyOf(reloadCommand);
  }

  /** {@code ssl://host:port} for Paho. */
  public String serverUri() {
    return "ssl://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The external broker settings, or null when {@code broker.mode} is {@code embedded} (the
   * default). Reads every {@code broker.*} key either way, so a typo is still reported.
   */
  public static ExternalBrokerSettings from(Settings s, Path dataDir) {
    String mode = s.string("broker.mode", "embedded").toLowerCase(Locale.ROOT);
    String url = s.string("broker.external.url", null);
    Path crl = s.path("broker.external.crl.file", dataDir.resolve("broker").resolve("device-ca.crl.pem"));
    Duration validity = s.duration("broker.external.crl.validity", Duration.ofDays(2), Duration.ofMinutes(3));
    String reload = s.string("broker.external.reload.command", "");
    String kickText = s.string("broker.external.kick.revoked", "true").toLowerCase(Locale.ROOT);
    if (!kickText.equals("true") && !kickText.equals("false")) {
      throw new Settings.ConfigException("broker.external.kick.revoked must be true or false, got '" + kickText + "'");
    }
    boolean kick = kickText.equals("true");
    switch (mode) {
      case "embedded":
        return null;
      case "external":
        break;
      default:
        throw new Settings.ConfigException("broker.mode must be 'embedded' or 'external', got '" + mode + "'");
    }
    if (url == null || url.isBlank()) {
      throw new Settings.ConfigException(
          "broker.mode=external needs broker.external.url, e.g. ssl://mqtt.example.com:8883");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new Settings.ConfigException("broker.external.url is not a URL: " + e.getMessage());
    }
    if (!"ssl".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0
        || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new Settings.ConfigException(
          "broker.external.url must be ssl://host:port (TLS with client certificates), got '" + url + "'");
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    List<String> command = reload.isBlank() ? List.of() : Arrays.asList(reload.trim().split("\\s+"));
    return new ExternalBrokerSettings(host, uri.getPort(), crl.toAbsolutePath().normalize(), validity, command, kick);
  }
}
