package io.fedge.federation.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void environmentOverridesTheFileWhichOverridesTheDefault() throws Exception {
    Path f = dir.resolve("hub.properties");
    Files.writeString(f, "http.port=9000\nmqtt.port=9001\n");
    Settings s = Settings.load(f, "FEDGE_HUB", Map.of("FEDGE_HUB_HTTP_PORT", "9100"));
    assertThat(s.integer("http.port", 7443, 0, 65535)).isEqualTo(9100);
    assertThat(s.integer("mqtt.port", 8883, 0, 65535)).isEqualTo(9001);
    assertThat(s.integer("other.port", 5, 0, 65535)).isEqualTo(5);
  }

  @Test
  void aTypoInTheFileIsReportedNotIgnored() throws Exception {
    Path f = dir.resolve("hub.properties");
    Files.writeString(f, "http.prot=9000\n");
    Settings s = Settings.load(f, "FEDGE_HUB", Map.of());
    s.integer("http.port", 7443, 0, 65535);
    assertThatThrownBy(s::rejectUnknownKeys).hasMessageContaining("http.prot");
  }

  @Test
  void badValuesSayWhatIsExpected() {
    Settings s = Settings.of(Map.of("a", "x", "b", "70000", "c", "soon"), "P");
    assertThatThrownBy(() -> s.integer("a", 1, 0, 10)).hasMessageContaining("whole number");
    assertThatThrownBy(() -> s.integer("b", 1, 0, 65535)).hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> s.duration("c", Duration.ofSeconds(1), Duration.ZERO)).hasMessageContaining("PT30S");
  }

  @Test
  void durationsAcceptIsoAndPlainSeconds() {
    Settings s = Settings.of(Map.of("a", "P30D", "b", "45"), "P");
    assertThat(s.duration("a", Duration.ZERO, Duration.ZERO)).isEqualTo(Duration.ofDays(30));
    assertThat(s.duration("b", Duration.ZERO, Duration.ZERO)).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> Settings.load(dir.resolve("nope.properties"), "P", Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void effectiveSettingsAndKeysReadIncludeAKeyWithNoValueAndNoDefault() {
    Settings s = Settings.of(Map.of("a", "1"), "P");
    s.string("a", null);
    s.string("token", null); // optional secret, absent: read as null
    assertThat(s.effective()).containsEntry("a", "1").containsKey("token");
    assertThat(s.keysRead()).containsExactly("a", "token");
  }
}
