package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.AgentConfig;
import io.fedge.federation.config.Settings;
import io.fedge.hub.config.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every key the hub and the agent read is documented in docs/configuration.md: an undocumented key
 * is a hidden one. The keys are the ones each program really asks its {@link Settings} for.
 */
class ConfigurationDocumentedTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void everyHubSettingIsInTheConfigurationDocument() throws Exception {
    assertDocumented("hub", HubConfig.ENV_PREFIX, s -> HubConfig.from(s, Path.of("target", "docs-check-hub")),
        "db.url", "mqtt.port", "ledger.origin");
  }

  @Test
  void everyAgentSettingIsInTheConfigurationDocument() throws Exception {
    assertDocumented("agent", AgentConfig.ENV_PREFIX, s -> AgentConfig.from(s, Path.of("target", "docs-check-agent")),
        "dashboard.port", "outbox.max.rows", "data.dropbox");
  }

  private static void assertDocumented(String program, String envPrefix, Consumer<Settings> read, String... known)
      throws Exception {
    Settings s = Settings.of(Map.of(), envPrefix);
    read.accept(s);
    Set<String> keys = s.keysRead();
    // Guard: the program's keys were found, so this cannot pass by checking nothing.
    assertThat(keys).contains(known).hasSizeGreaterThanOrEqualTo(20);
    String doc = Files.readString(DOC);
    for (String key : keys) {
      assertThat(doc).as("docs/configuration.md documents %s key '%s'", program, key).contains("| `" + key + "` |");
    }
  }
}
