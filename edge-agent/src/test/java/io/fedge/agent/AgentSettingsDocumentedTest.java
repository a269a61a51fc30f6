package io.fedge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every key the agent reads is documented in docs/configuration.md (an undocumented key is a hidden one). */
class AgentSettingsDocumentedTest {
  @Test
  void everyAgentSettingIsInTheConfigurationDocument() throws Exception {
    Settings s = Settings.of(Map.of(), AgentConfig.ENV_PREFIX);
    AgentConfig.from(s, Path.of("target", "docs-check-agent"));
    Set<String> keys = s.keysRead();
    // Guard: the keys were found.
    assertThat(keys).contains("dashboard.port", "outbox.max.rows", "data.dropbox").hasSizeGreaterThanOrEqualTo(20);
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (String key : keys) {
      assertThat(doc).as("docs/configuration.md documents agent key '%s'", key).contains("| `" + key + "` |");
    }
  }
}
