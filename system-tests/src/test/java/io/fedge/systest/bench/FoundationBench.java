package io.fedge.systest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.provisioning.ClaimBundle;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.TlsContexts;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.DeviceClients;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./fedge bench}: the foundation's figures, each next to a baseline measured in the same run
 * on the same machine (machines here are shared and noisy, so ratios mean more than absolutes).
 *
 * <ul>
 *   <li>enrollments per second into one hub process, against fresh-TLS-connection GETs of /healthz
 *       per second from the same clients (what HTTPS alone costs)
 *   <li>agent cold start (first boot, including enrollment) and warm start to MQTT connected,
 *       against a bare JVM start and exit
 *   <li>agent idle heap and RSS, against the RSS of an idle bare JVM with the same flags
 * </ul>
 */
public final class FoundationBench {
  private static final int CLIENTS = 4;

  public static void main(String[] args) throws Exception {
    int enrollments = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    Path dir = Files.createTempDirectory("fedge-bench");
    StringBuilder md = new StringBuilder();
    HubProcess hub =
        HubProcess.start(
            "bench-hub",
            dir.resolve("hub"),
            Map.of("enroll.rate.per.source", "10000", "enroll.burst", "100000", "enroll.rate.global", "10000"));
    try {
      OpsClient ops = hub.ops();
      List<ClaimBundle> bundles = new ArrayList<>();
      for (int i = 0; i < enrollments; i++) {
        bundles.add(DeviceClients.bundle(ops.mintClaimBundle("bench-group", 3600)));
      }
      List<KeyPair> keys = new ArrayList<>();
      for (int i = 0; i < enrollments; i++) {
        keys.add(EnrollmentClient.newDeviceKey());
      }
      // Warm both paths up a little so JIT and TLS session caches are comparable.
      timeHealthz(hub, 50);
      double healthzPerSec = timeHealthz(hub, enrollments);
      double enrollPerSec = timeEnrollments(bundles, keys);
      double signPerSec = ecdsaSignsPerSecond();
      md.append("| enrollments into one hub (").append(CLIENTS).append(" client threads, ").append(enrollments)
          .append(" devices) | ").append(fmt(enrollPerSec)).append(" /s | HTTPS GET /healthz, new TLS connection each: ")
          .append(fmt(healthzPerSec)).append(" /s | ").append(String.format("%.2f", enrollPerSec / healthzPerSec))
          .append(" |\n");
      md.append("| (context) in-process ECDSA P-256 signatures | ").append(fmt(signPerSec)).append(" /s | | |\n");

      double bareJvm = median(bareJvmStartMillis(5));
      List<Double> cold = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      AgentProcess last = null;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        AgentProcess a =
            AgentProcess.start("bench-agent-" + i, dir.resolve("agent-" + i), ops.mintClaimBundle("bench-agents", 600), Map.of());
        awaitConnected(a);
        cold.add((System.nanoTime() - t0) / 1e6);
        a.stop(); // the old process's shutdown is not part of the start
        long t1 = System.nanoTime();
        a = AgentProcess.start("bench-agent-" + i, dir.resolve("agent-" + i), null, Map.of());
        awaitConnected(a);
        warm.add((System.nanoTime() - t1) / 1e6);
        if (last != null) {
          last.stop();
        }
        last = a;
      }
      md.append("| agent cold start to MQTT connected (first boot: key, CSR, enrollment, TLS connect; median of 3) | ")
          .append(fmt(median(cold))).append(" ms | bare JVM start and exit: ").append(fmt(bareJvm)).append(" ms | ")
          .append(String.format("%.1f", median(cold) / bareJvm)).append(" |\n");
      md.append("| agent warm start to MQTT connected (identity on disk, median of 3) | ").append(fmt(median(warm)))
          .append(" ms | bare JVM start and exit: ").append(fmt(bareJvm)).append(" ms | ")
          .append(String.format("%.1f", median(warm) / bareJvm)).append(" |\n");

      Thread.sleep(30_000); // idle: heartbeats only
      System.gc();
      JsonNode s = last.status();
      long rss = s.path("rssBytes").asLong();
      long heap = s.path("heapUsedBytes").asLong();
      long bareRss = bareJvmIdleRss();
      md.append("| agent idle after 30 s: RSS (-Xmx256m, SerialGC) | ").append(rss / (1024 * 1024)).append(" MiB | idle bare JVM, same flags: ")
          .append(bareRss / (1024 * 1024)).append(" MiB | ").append(String.format("%.1f", (double) rss / bareRss)).append(" |\n");
      md.append("| agent idle after 30 s: heap in use | ").append(heap / (1024 * 1024)).append(" MiB | | |\n");
      last.stop();
    } finally {
      hub.stop();
    }
    String table =
        "| figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n" + md;
    System.out.println(table);
    Path out = Path.of("target", "bench", "foundation.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.exit(0);
  }

  private static double timeEnrollments(List<ClaimBundle> bundles, List<KeyPair> keys) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < bundles.size(); i++) {
      ClaimBundle b = bundles.get(i);
      KeyPair k = keys.get(i);
      fs.add(pool.submit(() -> new EnrollmentClient(b).enroll(k)));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return bundles.size() / secs;
  }

  private static double timeHealthz(HubProcess hub, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(
          pool.submit(
              () -> {
                // A new client per request, like EnrollmentClient: a full TLS handshake each time.
                HttpClient c = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(hub.caFingerprint())).build();
                return c.send(HttpRequest.newBuilder(URI.create(hub.url() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    return n / secs;
  }

  private static double ecdsaSignsPerSecond() throws Exception {
    KeyPair k = EnrollmentClient.newDeviceKey();
    Signature s = Signature.getInstance("SHA256withECDSA");
    byte[] data = new byte[512];
    for (int i = 0; i < 500; i++) {
      s.initSign(k.getPrivate());
      s.update(data);
      s.sign();
    }
    int n = 2000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      s.initSign(k.getPrivate());
      s.update(data);
      s.sign();
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static void awaitConnected(AgentProcess a) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!"CONNECTED".equals(a.connection())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(a.name() + " did not connect:\n" + a.logTail());
      }
      Thread.sleep(20);
    }
  }

  private static List<Double> bareJvmStartMillis(int n) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-version")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor();
      out.add((System.nanoTime() - t0) / 1e6);
    }
    return out;
  }

  private static long bareJvmIdleRss() throws Exception {
    Path src = Files.createTempDirectory("idle").resolve("Idle.java");
    Files.writeString(src, "public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(60000); } }");
    Process p = new ProcessBuilder(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", src.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Thread.sleep(8_000);
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    p.destroyForcibly();
    return rss;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String fmt(double d) {
    return d >= 100 ? String.format("%.0f", d) : String.format("%.1f", d);
  }
}
