package io.fedge.agent;

import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar edge-agent.jar [--config agent.properties] [--data DIR]} */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    Path configFile = null;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
        case "--data" -> data = Path.of(value(args, ++i, "--data"));
        case "--help", "-h" -> {
          System.out.println("usage: edge-agent [--config FILE] [--data DIR]   (settings: docs/configuration.md)");
          return;
        }
        default -> fail("unknown argument '" + args[i] + "'; try --help");
      }
    }
    AgentConfig config;
    try {
      config = AgentConfig.from(Settings.load(configFile, AgentConfig.ENV_PREFIX, System.getenv()), data);
    } catch (Settings.ConfigException e) {
      fail("configuration error: " + e.getMessage());
      return;
    }
    System.setProperty("fedge.log.dir", config.dataDir().resolve("logs").toString());
    System.setProperty("fedge.log.name", "agent");
    Agent agent = new Agent(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "agent-shutdown"));
    agent.start();
    stopped.await();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(flag + " needs a value");
    }
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("edge-agent: " + message);
    System.exit(2);
  }
}
