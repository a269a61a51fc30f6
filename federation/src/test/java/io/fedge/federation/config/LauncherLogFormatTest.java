package io.fedge.federation.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LauncherLogFormatTest {
  @Test
  void consoleLogsAreTextUnlessJsonIsAskedForAndAnythingElseIsRefused() {
    assertThat(Launcher.logFormat(null, null)).isEqualTo("text");
    assertThat(Launcher.logFormat(null, "JSON")).isEqualTo("json");
    assertThat(Launcher.logFormat("text", "json")).as("the system property wins").isEqualTo("text");
    assertThat(Launcher.logFormat(null, "xml")).isNull();
  }
}
