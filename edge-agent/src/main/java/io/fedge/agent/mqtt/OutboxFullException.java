package io.fedge.agent.mqtt;

/**
 * Thrown by {@link Outbox#enqueue} when the outbox is at its row limit and nothing coalescible is
 * left to evict. The message was not stored; the caller decides whether to wait, shed or alarm.
 */
public final class OutboxFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long maxRows;

  public OutboxFullException(long maxRows) {
    super("outbox is full (" + maxRows + " pending rows, none coalescible); message not stored");
    this.maxRows = maxRows;
  }

  public long maxRows() {
    return maxRows;
  }
}
