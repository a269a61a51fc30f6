package io.fedge.hub.broker.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.config.Settings;
import io.fedge.hub.config.HubConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalBrokerSettingsTest {
  static ExternalBrokerSettings read(Map<String, String> values) {
    return ExternalBrokerSettings.from(Settings.of(values, "FEDGE_HUB"), Path.of("/data"));
  }

  @Test
  void embeddedIsTheDefault() {
    assertThat(read(Map.of())).isNull();
  }

  @Test
  void externalModeReadsUrlCrlAndReloadCommand() {
    ExternalBrokerSettings s = read(Map.of(
        "broker.mode", "external", "broker.external.url", "ssl://mqtt.example.com:8883",
        "broker.external.reload.command", "systemctl  reload mosquitto"));
    assertThat(s.host()).isEqualTo("mqtt.example.com");
    assertThat(s.port()).isEqualTo(8883);
    assertThat(s.serverUri()).isEqualTo("ssl://mqtt.example.com:8883");
    assertThat(s.crlFile()).isEqualTo(Path.of("/data/broker/device-ca.crl.pem"));
    assertThat(s.reloadCommand()).isEqualTo(List.of("systemctl", "reload", "mosquitto"));
    assertThat(s.kickRevoked()).isTrue();
  }

  @Test
  void devicesAreToldTheExternalBrokersAddress() {
    HubConfig c = HubConfig.from(Settings.of(Map.of(
        "broker.mode", "external", "broker.external.url", "ssl://10.0.0.5:18883"), "FEDGE_HUB"), Path.of("target/x"));
    assertThat(c.mqttAdvertisedHost()).isEqualTo("10.0.0.5");
    assertThat(c.mqttAdvertisedPort()).isEqualTo(18883);
  }

  @Test
  void refusesWhatWouldNotWorkWithAClearReason() {
    assertThatThrownBy(() -> read(Map.of("broker.mode", "cluster"))).hasMessageContaining("'embedded' or 'external'");
    assertThatThrownBy(() -> read(Map.of("broker.mode", "external"))).hasMessageContaining("needs broker.external.url");
    assertThatThrownBy(() -> read(Map.of("broker.mode", "external", "broker.external.url", "tcp://h:1883")))
        .hasMessageContaining("ssl://host:port");
    assertThatThrownBy(() -> read(Map.of("broker.mode", "external", "broker.external.url", "ssl://h")))
        .hasMessageContaining("ssl://host:port");
    assertThatThrownBy(() -> read(Map.of("broker.mode", "external", "broker.external.url", "ssl://h:1",
        "broker.external.kick.revoked", "yes"))).hasMessageContaining("true or false");
  }
}
