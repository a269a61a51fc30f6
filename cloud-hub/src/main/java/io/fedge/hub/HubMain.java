package io.fedge.hub;

import io.fedge.federation.config.Launcher;
import io.fedge.hub.config.HubConfig;

/**
 * {@code java -jar cloud-hub.jar [--config hub.properties] [--data DIR]}, or {@code java -jar
 * cloud-hub.jar broker-config --out DIR ...} to write an external Mosquitto's configuration.
 */
public final class HubMain {
  private HubMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("broker-config")) {
      io.fedge.hub.broker.external.BrokerConfigCli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Launcher.run("hub", HubConfig.ENV_PREFIX, args, HubConfig::from, HubConfig::dataDir, Hub::new);
  }
}
