package io.fedge.hub;

import io.fedge.federation.config.Launcher;
import io.fedge.hub.config.HubConfig;

/** {@code java -jar cloud-hub.jar [--config hub.properties] [--data DIR]} */
public final class HubMain {
  private HubMain() {}

  public static void main(String[] args) {
    Launcher.run("hub", HubConfig.ENV_PREFIX, args, HubConfig::from, HubConfig::dataDir, Hub::new);
  }
}
