package io.fedge.hub;

import io.fedge.federation.config.Settings;
import io.fedge.hub.config.HubConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar cloud-hub.jar [--config hub.properties] [--data DIR]} */
public final class HubMain {
  private HubMain() {}

  public static void main(String[] args) throws Exception {
    Path configFile = null;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
        case "--data" -> data = Path.of(value(args, ++i, "--data"));
        case "--help", "-h" -> {
          System.out.println("usage: cloud-hub [--config FILE] [--data DIR]   (settings: docs/configuration.md)");
          return;
        }
        default -> fail("unknown argument '" + args[i] + "'; try --help");
      }
    }
    HubConfig config;
    try {
      config = HubConfig.from(Settings.load(configFile, HubConfig.ENV_PREFIX, System.getenv()), data);
    } catch (Settings.ConfigException e) {
      fail("configuration error: " + e.getMessage());
      return;
    }
    System.setProperty("fedge.log.dir", config.dataDir().resolve("logs").toString());
    System.setProperty("fedge.log.name", "hub");
    Hub hub = new Hub(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  hub.close();
                  stopped.countDown();
                },
                "hub-shutdown"));
    try {
      hub.start();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(HubMain.class).error("hub failed to start: {}", e.toString(), e);
      System.exit(1);
    }
    stopped.await();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(flag + " needs a value");
    }
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("cloud-hub: " + message);
    System.exit(2);
  }
}
