package io.fedge.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every key the hub reads is documented in docs/configuration.md (an undocumented key is a hidden one). */
class HubSettingsDocumentedTest {
  @Test
  void everyHubSettingIsInTheConfigurationDocument() throws Exception {
    Settings s = Settings.of(Map.of(), HubConfig.ENV_PREFIX);
    HubConfig.from(s, Path.of("target", "docs-check-hub"));
    Set<String> keys = s.keysRead();
    // Guard: the keys were found.
    assertThat(keys).contains("db.url", "mqtt.port", "ledger.origin").hasSizeGreaterThanOrEqualTo(20);
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (String key : keys) {
      assertThat(doc).as("docs/configuration.md documents hub key '%s'", key).contains("| `" + key + "` |");
    }
  }
}
