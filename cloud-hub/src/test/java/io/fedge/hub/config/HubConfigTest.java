package io.fedge.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubConfigTest {

  @Test
  void defaultsNeedNothingInstalled() {
    HubConfig c = HubConfig.from(Settings.of(Map.of(), HubConfig.ENV_PREFIX), Path.of("/tmp/h"));
    assertThat(c.dbUrl()).isEqualTo("jdbc:sqlite:/tmp/h/hub.db");
    assertThat(c.httpPort()).isEqualTo(7443);
    assertThat(c.mqttPort()).isEqualTo(8883);
    assertThat(c.mqttAdvertisedHost()).isEqualTo("localhost");
    assertThat(c.deviceCertLifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(c.httpBind()).isEqualTo("127.0.0.1");
  }

  @Test
  void replicaIdMustBeAHubId() {
    assertThatThrownBy(
            () -> HubConfig.from(Settings.of(Map.of("replica.id", "d-123"), HubConfig.ENV_PREFIX), Path.of("/tmp")))
        .hasMessageContaining("hub-");
  }

  @Test
  void unknownKeysAreRefused() {
    assertThatThrownBy(
            () -> HubConfig.from(Settings.of(Map.of("mqtt.prot", "1"), HubConfig.ENV_PREFIX), Path.of("/tmp")))
        .hasMessageContaining("mqtt.prot");
  }

  @Test
  void certificateLifetimeHasAFloor() {
    assertThatThrownBy(
            () ->
                HubConfig.from(
                    Settings.of(Map.of("device.cert.lifetime", "PT1S"), HubConfig.ENV_PREFIX), Path.of("/tmp")))
        .hasMessageContaining("device.cert.lifetime");
  }
}
