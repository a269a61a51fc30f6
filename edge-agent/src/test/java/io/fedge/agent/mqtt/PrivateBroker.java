package io.fedge.agent.mqtt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Mosquitto process with its own configuration (for refusals and ACLs, which the
 * shared broker on 1883 does not have). Skips the test when no mosquitto binary is installed.
 */
final class PrivateBroker implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

  private final Process process;
  private final int port;

  private PrivateBroker(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts mosquitto with {@code config} (a listener line is added) and waits until it listens. */
  static PrivateBroker start(Path dir, String config) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(BINARY), "mosquitto is not installed");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("mosquitto-" + port + ".conf");
    Files.writeString(
        conf,
        "listener " + port + " 127.0.0.1\npersistence false\nlog_dest stderr\n"
            // as root, mosquitto would switch to user "mosquitto", who cannot read our temp dir
            + "user " + System.getProperty("user.name") + "\n"
            + config + "\n");
    Process p =
        new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto-" + port + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "mosquitto exited: " + Files.readString(dir.resolve("mosquitto-" + port + ".log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new PrivateBroker(p, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("mosquitto did not start listening on " + port);
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
