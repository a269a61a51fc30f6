package io.fedge.agent.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress of every ingest, for the dashboard: poll {@link #snapshot()} or stream with {@link
 * #subscribe}. Keeps the running units and the last {@value #HISTORY} finished ones, nothing more.
 * Listeners run on the ingesting thread and must be quick (hand off to an event loop).
 */
public final class IngestMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(IngestMonitor.class);
  static final int HISTORY = 50;

  private final Map<String, IngestProgress> running = new LinkedHashMap<>();
  private final Deque<IngestProgress> finished = new ArrayDeque<>();
  private final List<Consumer<IngestProgress>> listeners = new CopyOnWriteArrayList<>();

  /** Records an update; a unit that is no longer RUNNING or WAITING moves to the history. */
  public void update(IngestProgress p) {
    synchronized (this) {
      if (p.state() == IngestProgress.State.RUNNING || p.state() == IngestProgress.State.WAITING) {
        running.put(p.id(), p);
      } else {
        running.remove(p.id());
        finished.addFirst(p);
        while (finished.size() > HISTORY) {
          finished.removeLast();
        }
      }
    }
    for (Consumer<IngestProgress> l : listeners) {
      try {
        l.accept(p);
      } catch (RuntimeException e) {
        LOG.warn("ingest progress listener failed: {}", e.toString());
      }
    }
  }

  /** Running units first (oldest first), then finished ones (newest first). */
  public synchronized List<IngestProgress> snapshot() {
    List<IngestProgress> out = new ArrayList<>(running.values());
    out.addAll(finished);
    return out;
  }

  /** Calls {@code listener} with every later update; close the result to stop. */
  public AutoCloseable subscribe(Consumer<IngestProgress> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
