package io.fedge.hub.tls;

import io.fedge.federation.config.Settings;
import java.time.Duration;

/**
 * Lifetimes of the hub's own TLS certificates (docs/configuration.md). Each is renewed at two
 * thirds of its lifetime while the hub runs ({@link CertRenewal}).
 *
 * @param httpsLifetime the HTTPS server certificate
 * @param brokerLifetime the embedded MQTT broker's server certificate
 * @param serviceLifetime the hub's own MQTT client certificate
 */
public record HubTlsSettings(Duration httpsLifetime, Duration brokerLifetime, Duration serviceLifetime) {
  /**
   * Shortest lifetime accepted: the broker notices a rewritten key store within 10 s, so a third
   * of the lifetime must leave room for that and for a retry.
   */
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);

  public static HubTlsSettings from(Settings s) {
    return new HubTlsSettings(
        s.duration("tls.https.cert.lifetime", Duration.ofDays(90), MIN_LIFETIME),
        s.duration("tls.broker.cert.lifetime", Duration.ofDays(90), MIN_LIFETIME),
        s.duration("tls.service.cert.lifetime", Duration.ofDays(30), MIN_LIFETIME));
  }
}
