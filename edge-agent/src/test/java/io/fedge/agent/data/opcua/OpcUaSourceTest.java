package io.fedge.agent.data.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.IngestMonitor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpcUaSourceTest {
  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private MiloTestServer server;
  private DataStore store;
  private OpcUaSource source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    scheduler.shutdownNow();
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private List<String> samples(String node) {
    List<String> out = new ArrayList<>();
    store.scan("plc", List.of("node", "source_time", "value"), r -> {
      if (r[0].equals(node)) {
        out.add(r[1] + "=" + r[2]);
      }
      return true;
    });
    return out;
  }

  private long rows() {
    return store.dataset("plc").map(d -> d.rowCount()).orElse(0L);
  }

  @Test
  void samplesAreStoredAndAServerRestartNeitherLosesNorDuplicatesThem() throws Exception {
    server = new MiloTestServer(List.of("temp", "pressure"));
    Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
    server.set("temp", 20.5, t0);
    server.set("pressure", 1.0, t0);
    server.start();
    store = DataStore.open(dir.resolve("state/data.db"));
    source = new OpcUaSource(new OpcUaSourceConfig("plc", server.endpoint(),
        List.of(server.nodeId("temp"), server.nodeId("pressure")), "plc", 50, Duration.ofMillis(200), 10_000,
        Duration.ofMillis(300)), store, new IngestMonitor(), Clock.systemUTC());
    source.start(scheduler);

    await().atMost(Duration.ofSeconds(20)).until(() -> rows() == 2);
    server.set("temp", 21.0, t0.plusSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 3);

    server.stop();
    Thread.sleep(1500); // the client notices and keeps trying
    server.start(); // same port, same retained values and source times: a restarted PLC
    server.set("temp", 22.0, t0.plusSeconds(2));
    await().atMost(Duration.ofSeconds(60)).until(() -> rows() == 4);
    server.set("pressure", 1.5, t0.plusSeconds(3));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 5);

    assertThat(samples(server.nodeId("temp"))).containsExactly(
        "2026-11-23T12:00:00Z=20.5", "2026-11-23T12:00:01Z=21.0", "2026-11-23T12:00:02Z=22.0");
    assertThat(samples(server.nodeId("pressure"))).containsExactly(
        "2026-11-23T12:00:00Z=1.0", "2026-11-23T12:00:03Z=1.5");
    Set<String> keys = new HashSet<>();
    store.scan("plc", List.of("node", "source_time"), r -> keys.add(r[0] + "@" + r[1]));
    assertThat(keys).hasSize(5);
    assertThat(source.lost()).isZero();
  }
}
