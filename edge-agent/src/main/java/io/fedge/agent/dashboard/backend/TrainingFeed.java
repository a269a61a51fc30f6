package io.fedge.agent.dashboard.backend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of training events from the round runner to dashboard viewers, keeping the last events
 * in memory (bounded) so a page opened mid-job can draw the curves so far. A slow or failing
 * listener never holds up the publisher beyond its own call.
 */
public final class TrainingFeed {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingFeed.class);

  private final int capacity;
  private final ArrayDeque<TrainingEvent> history = new ArrayDeque<>();
  private final List<Consumer<TrainingEvent>> listeners = new CopyOnWriteArrayList<>();

  public TrainingFeed(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records an event and hands it to every subscriber. */
  public void publish(TrainingEvent event) {
    synchronized (history) {
      if (history.size() == capacity) {
        history.removeFirst();
      }
      history.addLast(event);
    }
    for (Consumer<TrainingEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("a training listener failed: {}", e.toString());
      }
    }
  }

  /** The kept events, oldest first. */
  public List<TrainingEvent> history() {
    synchronized (history) {
      return List.copyOf(new ArrayList<>(history));
    }
  }

  public AutoCloseable subscribe(Consumer<TrainingEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public int subscribers() {
    return listeners.size();
  }
}
