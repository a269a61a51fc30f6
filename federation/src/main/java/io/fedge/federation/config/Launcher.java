package io.fedge.federation.config;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;

/**
 * The common start of the hub's and the agent's {@code main}: {@code [--config FILE] [--data DIR]},
 * settings from file and environment, log location, and an orderly stop on SIGTERM / Ctrl-C.
 */
public final class Launcher {
  /** What a program does once its configuration is read. */
  public interface Program extends AutoCloseable {
    void start() throws Exception;

    @Override
    void close();
  }

  private Launcher() {}

  /**
   * Parses the arguments, builds the configuration with {@code configure}, starts the program and
   * blocks until the JVM is asked to stop. Exits with status 2 on bad arguments or configuration,
   * 1 when the program fails to start.
   */
  public static <C> void run(
      String name,
      String envPrefix,
      String[] args,
      BiFunction<Settings, Path, C> configure,
      java.util.function.Function<C, Path> dataDir,
      java.util.function.Function<C, Program> program) {
    Path configFile = null;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(value(name, args, ++i, "--config"));
        case "--data" -> data = Path.of(value(name, args, ++i, "--data"));
        case "--help", "-h" -> {
          System.out.println("usage: " + name + " [--config FILE] [--data DIR]   (settings: docs/configuration.md)");
          return;
        }
        default -> fail(name, "unknown argument '" + args[i] + "'; try --help");
      }
    }
    C config;
    try {
      config = configure.apply(Settings.load(configFile, envPrefix, System.getenv()), data);
    } catch (Settings.ConfigException e) {
      fail(name, "configuration error: " + e.getMessage());
      return;
    }
    String logFormat = logFormat(System.getProperty("fedge.log.format"), System.getenv("FEDGE_LOG_FORMAT"));
    if (logFormat == null) {
      fail(name, "FEDGE_LOG_FORMAT must be 'text' or 'json'");
      return;
    }
    // Before the first logger is made, so logback writes where this program keeps its data.
    System.setProperty("fedge.log.format", logFormat);
    System.setProperty("fedge.log.dir", dataDir.apply(config).resolve("logs").toString());
    System.setProperty("fedge.log.name", name);
    Program p = program.apply(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      p.close();
      stopped.countDown();
    }, name + "-shutdown"));
    try {
      p.start();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Launcher.class).error("{} failed to start: {}", name, e.toString(), e);
      System.exit(1);
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The console log format from the system property or else the environment: text (default) or json; null if neither. */
  static String logFormat(String property, String env) {
    String v = property != null && !property.isBlank() ? property : env;
    if (v == null || v.isBlank()) {
      return "text";
    }
    v = v.trim().toLowerCase(java.util.Locale.ROOT);
    return v.equals("text") || v.equals("json") ? v : null;
  }

  private static String value(String name, String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(name, flag + " needs a value");
    }
    return args[i];
  }

  private static void fail(String name, String message) {
    System.err.println(name + ": " + message);
    System.exit(2);
  }

}
