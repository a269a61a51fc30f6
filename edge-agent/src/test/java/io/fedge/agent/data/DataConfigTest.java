package io.fedge.agent.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataConfigTest {
  @Test
  void sourcesAreReadFromTheirOwnKeysWithDefaults() {
    Settings s = Settings.of(Map.of(
        "jdbc.sources", "orders",
        "jdbc.orders.url", "jdbc:sqlite:/tmp/x.db",
        "jdbc.orders.query", "SELECT id FROM t",
        "jdbc.orders.key", "id",
        "opcua.sources", "line1",
        "opcua.line1.endpoint", "opc.tcp://plc:4840",
        "opcua.line1.nodes", "ns=2;s=A, ns=2;i=7"), "FEDGE_AGENT");
    DataConfig c = DataConfig.from(s, Path.of("/data"));
    s.rejectUnknownKeys();
    assertThat(c.dropbox()).isEqualTo(Path.of("/data/dropbox"));
    assertThat(c.jdbc()).singleElement().satisfies(j -> {
      assertThat(j.dataset()).isEqualTo("orders");
      assertThat(j.interval()).isEqualTo(Duration.ofMinutes(5));
    });
    assertThat(c.opcua()).singleElement().satisfies(o -> assertThat(o.nodes()).isEqualTo(List.of("ns=2;s=A", "ns=2;i=7")));
  }

  @Test
  void aSourceMissingAKeyIsAConfigurationErrorNamingIt() {
    Settings s = Settings.of(Map.of("jdbc.sources", "orders", "jdbc.orders.url", "jdbc:sqlite:x"), "FEDGE_AGENT");
    assertThatThrownBy(() -> DataConfig.from(s, Path.of("/data"))).hasMessageContaining("jdbc.orders.query");
    Settings t = Settings.of(Map.of("opcua.sources", "p", "opcua.p.endpoint", "http://x", "opcua.p.nodes", "ns=1;i=1"),
        "FEDGE_AGENT");
    assertThatThrownBy(() -> DataConfig.from(t, Path.of("/data"))).hasMessageContaining("opc.tcp://");
  }
}
