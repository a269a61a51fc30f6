package io.fedge.agent.data;

import io.fedge.agent.data.jdbc.JdbcSource;
import io.fedge.agent.data.jdbc.JdbcSourceConfig;
import io.fedge.agent.data.opcua.OpcUaSource;
import io.fedge.agent.data.opcua.OpcUaSourceConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's local data, wired from {@link DataConfig}: the data store ({@code <state>/data.db}),
 * the progress monitor, the drop folder and every configured JDBC and OPC UA source, all on one
 * small scheduler of their own so that a long ingest never delays the MQTT link or the dashboard.
 */
public final class DataServices implements AutoCloseable {
  private final DataConfig cfg;
  private final DataStore store;
  private final IngestMonitor monitor = new IngestMonitor();
  private final DropFolder dropFolder;
  private final List<JdbcSource> jdbc = new ArrayList<>();
  private final List<OpcUaSource> opcua = new ArrayList<>();
  private final ScheduledExecutorService scheduler;

  private DataServices(DataConfig cfg, DataStore store, Clock clock) {
    this.cfg = cfg;
    this.store = store;
    this.dropFolder = new DropFolder(cfg.dropbox(), new FileIngest(store, monitor, cfg.ingest(), clock, null), cfg.ingest(),
        clock);
    for (JdbcSourceConfig j : cfg.jdbc()) {
      jdbc.add(new JdbcSource(j, store, monitor, clock));
    }
    for (OpcUaSourceConfig o : cfg.opcua()) {
      opcua.add(new OpcUaSource(o, store, monitor, clock));
    }
    AtomicInteger n = new AtomicInteger();
    int threads = 2 + Math.min(4, jdbc.size() + opcua.size());
    this.scheduler = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "agent-data-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public static DataServices open(DataConfig cfg, Path stateDir, Clock clock) {
    return new DataServices(cfg, DataStore.open(stateDir.resolve("data.db")), clock);
  }

  /** Starts watching the drop folder and pulling / subscribing every source. */
  public void start() throws IOException {
    dropFolder.start(scheduler, cfg.pollInterval().toMillis());
    jdbc.forEach(j -> j.start(scheduler));
    opcua.forEach(o -> o.start(scheduler));
  }

  /** The catalog, rows and quarantine. */
  public DataStore store() {
    return store;
  }

  /** Ingest progress of files and sources (poll or subscribe). */
  public IngestMonitor monitor() {
    return monitor;
  }

  public DropFolder dropFolder() {
    return dropFolder;
  }

  public List<DatasetInfo> datasets() {
    return store.datasets();
  }

  @Override
  public void close() {
    dropFolder.close();
    jdbc.forEach(JdbcSource::close);
    opcua.forEach(OpcUaSource::close);
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS); // a batch in flight commits or rolls back
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
