package io.fedge.agent;

import io.fedge.federation.config.Launcher;

/** {@code java -jar edge-agent.jar [--config agent.properties] [--data DIR]} */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    Launcher.run("agent", AgentConfig.ENV_PREFIX, args, AgentConfig::from, AgentConfig::dataDir, Agent::new);
  }
}
