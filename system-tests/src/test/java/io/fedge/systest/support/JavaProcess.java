package io.fedge.systest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A separate JVM running one of our main classes, its output in a log file under target/. */
public class JavaProcess implements AutoCloseable {
  private final String name;
  private final String mainClass;
  private final List<String> args;
  private final Map<String, String> env;
  private final Path log;
  private Process process;

  protected JavaProcess(String name, String mainClass, List<String> args, Map<String, String> env) {
    this.name = name;
    this.mainClass = mainClass;
    this.args = args;
    this.env = env;
    this.log = Path.of("target", "it-logs", name + ".log");
  }

  protected void launch() {
    try {
      Files.createDirectories(log.getParent());
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(mainClass);
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("FEDGE_"));
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return log;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Orderly stop (SIGTERM), waiting for exit. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitExit();
    }
  }

  /** Abrupt stop, like a power cut (SIGKILL). */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitExit();
    }
  }

  private void waitExit() {
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The process's log, for assertion messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
  }
}
