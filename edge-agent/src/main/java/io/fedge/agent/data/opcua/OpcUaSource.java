package io.fedge.agent.data.opcua;

import io.fedge.agent.data.Column;
import io.fedge.agent.data.ColumnType;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetBatch;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestProgress;
import io.fedge.agent.data.Schema;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to OPC UA nodes and stores every sample as a row {@code (node, source_time, value,
 * value_text, status)} of its dataset. Rows are unique by {@code (node, source_time)}: after a
 * server restart the client reconnects (Milo's session state machine), the subscription is created
 * again when it could not be transferred, and the initial values the server then re-sends are
 * recognised as already stored. Samples are buffered in a bounded queue and committed every flush
 * interval in one transaction.
 */
public final class OpcUaSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpcUaSource.class);

  /** The dataset's columns: one row per sample. */
  public static final Schema SCHEMA = new Schema(List.of(
      new Column("node", ColumnType.STRING),
      new Column("source_time", ColumnType.TIMESTAMP),
      new Column("value", ColumnType.FLOAT),
      new Column("value_text", ColumnType.STRING),
      new Column("status", ColumnType.STRING)));

  private final OpcUaSourceConfig cfg;
  private final DataStore store;
  private final IngestMonitor monitor;
  private final Clock clock;
  private final BlockingQueue<Object[]> buffer;
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final Instant started;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> flushTask;
  private volatile OpcUaClient client;
  private volatile OpcUaSubscription subscription;
  private volatile boolean closed;
  private volatile String lastError;

  public OpcUaSource(OpcUaSourceConfig cfg, DataStore store, IngestMonitor monitor, Clock clock) {
    this.cfg = cfg;
    this.store = store;
    this.monitor = monitor;
    this.clock = clock;
    this.buffer = new ArrayBlockingQueue<>(cfg.maxBuffered());
    this.started = clock.instant();
  }

  /** Connects (retrying until the server answers) and starts committing samples, on {@code scheduler}. */
  public synchronized void start(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    flushTask = scheduler.scheduleWithFixedDelay(this::flushQuietly, cfg.flushInterval().toMillis(),
        cfg.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
    scheduler.execute(this::connect);
  }

  /** Samples stored so far by this instance (duplicates excluded). */
  public long stored() {
    return stored.get();
  }

  /** Samples dropped because the buffer was full. */
  public long lost() {
    return lost.get();
  }

  private void connect() {
    if (closed) {
      return;
    }
    OpcUaClient c = null;
    try {
      c = OpcUaClient.create(cfg.endpoint());
      c.connect();
      client = c;
      subscribe();
      lastError = null;
      LOG.info("OPC UA source {} subscribed to {} nodes", cfg.name(), cfg.nodes().size());
    } catch (UaException | RuntimeException e) {
      lastError = "cannot reach " + cfg.endpoint() + ": " + e.getMessage();
      LOG.warn("OPC UA source {}: {}; retrying in {}", cfg.name(), lastError, cfg.reconnectDelay());
      client = null;
      if (c != null) {
        try {
          c.disconnect();
        } catch (UaException | RuntimeException ignored) {
          // already broken
        }
      }
      retry(this::connect);
    }
  }

  private void subscribe() throws UaException {
    OpcUaSubscription s = new OpcUaSubscription(client, Math.max(50, cfg.samplingMillis()));
    s.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
      @Override
      public void onTransferFailed(OpcUaSubscription sub, StatusCode status) {
        LOG.info("OPC UA source {}: subscription lost ({}), creating it again", cfg.name(), status);
        retry(() -> recreate(sub));
      }
    });
    for (String n : cfg.nodes()) {
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(n));
      item.setSamplingInterval(cfg.samplingMillis());
      item.setDataValueListener((it, value) -> offer(n, value));
      s.addMonitoredItem(item);
    }
    s.create();
    s.synchronizeMonitoredItems();
    subscription = s;
  }

  private void recreate(OpcUaSubscription s) {
    if (closed) {
      return;
    }
    try {
      s.create();
      s.synchronizeMonitoredItems();
      lastError = null;
      LOG.info("OPC UA source {}: subscription created again", cfg.name());
    } catch (UaException | RuntimeException e) {
      lastError = "subscription not re-created yet: " + e.getMessage();
      retry(() -> recreate(s));
    }
  }

  private void retry(Runnable r) {
    ScheduledExecutorService s = scheduler;
    if (!closed && s != null && !s.isShutdown()) {
      s.schedule(r, cfg.reconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void offer(String node, DataValue v) {
    Object[] row = toRow(node, v, clock.instant());
    if (!buffer.offer(row)) {
      if (lost.incrementAndGet() % 1000 == 1) {
        LOG.warn("OPC UA source {}: buffer full, {} samples lost so far", cfg.name(), lost.get());
      }
    }
  }

  static Object[] toRow(String node, DataValue v, Instant received) {
    DateTime t = v.getSourceTime() != null ? v.getSourceTime() : v.getServerTime();
    Instant at = t != null && t.isValid() ? t.getJavaInstant() : received;
    Object value = v.getValue() == null ? null : v.getValue().getValue();
    Double num = null;
    String text = null;
    if (value instanceof Number n) {
      num = n.doubleValue();
    } else if (value instanceof Boolean b) {
      num = b ? 1.0 : 0.0;
    } else if (value != null) {
      text = value.toString();
    }
    if (num != null && (num.isInfinite())) {
      text = num.toString();
      num = null;
    }
    StatusCode sc = v.getStatusCode();
    String status = sc == null ? "Good" : sc.isGood() ? "Good" : sc.isUncertain() ? "Uncertain" : "Bad";
    return new Object[] {node, at.toString(), num, text, status};
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      lastError = "samples not stored yet: " + e.getMessage();
      LOG.warn("OPC UA source {}: {}", cfg.name(), lastError);
    }
  }

  /** Commits the buffered samples; returns how many new rows were stored. */
  public synchronized long flush() {
    List<Object[]> rows = new ArrayList<>();
    buffer.drainTo(rows);
    long n = 0;
    if (!rows.isEmpty()) {
      DatasetBatch b = new DatasetBatch(cfg.dataset(), "opcua", SCHEMA, List.of("node", "source_time"));
      for (Object[] r : rows) {
        b.add(r, cfg.name(), 0);
      }
      String state = "{\"stored\":" + (stored.get() + rows.size()) + "}";
      n = b.commit(store, "opcua:" + cfg.name(), state, clock.instant()).inserted();
      stored.addAndGet(n);
    }
    Instant now = clock.instant();
    String msg = lastError != null ? lastError : lost.get() > 0 ? lost.get() + " samples lost (buffer full)" : null;
    monitor.update(new IngestProgress("opcua:" + cfg.name(), "opcua", cfg.dataset(), cfg.name(),
        closed ? IngestProgress.State.DONE : IngestProgress.State.RUNNING, 0, -1, stored.get(), 0,
        IngestProgress.rate(stored.get(), started, now), -1, msg, started, now));
    return n;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (flushTask != null) {
      flushTask.cancel(false);
    }
    OpcUaClient c = client;
    if (c != null) {
      try {
        c.disconnect();
      } catch (UaException | RuntimeException e) {
        LOG.debug("OPC UA source {}: disconnect: {}", cfg.name(), e.toString());
      }
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("OPC UA source {}: last samples not stored: {}", cfg.name(), e.getMessage());
    }
  }
}
