package io.fedge.federation.psi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A relay for tests and benchmarks: every message is encoded with {@link PsiCodec}, queued, decoded
 * and delivered to the party it names ({@code *} goes to every other party), on the calling thread,
 * in order. It counts bytes per direction and can keep every wire message for inspection, as a
 * hub would see them.
 */
public final class InMemoryRelay implements PsiTransport {
  /** One relayed message as the hub sees it. */
  public record Relayed(String from, String to, byte[] wire) {}

  private final Map<String, PsiParty> parties = new LinkedHashMap<>();
  private final Deque<byte[]> queue = new ArrayDeque<>();
  private final Map<String, Long> bytesByDirection = new LinkedHashMap<>();
  private final List<Relayed> log = new ArrayList<>();
  private final boolean keepLog;
  private long messages;

  public InMemoryRelay(boolean keepLog) {
    this.keepLog = keepLog;
  }

  public void register(PsiParty party) {
    parties.put(party.id(), party);
  }

  @Override
  public synchronized void send(PsiMessage message) {
    byte[] wire = PsiCodec.encode(message);
    queue.add(wire);
    messages++;
    bytesByDirection.merge(message.from() + "->" + message.to(), (long) wire.length, Long::sum);
    if (keepLog) {
      log.add(new Relayed(message.from(), message.to(), wire));
    }
  }

  /**
   * Delivers queued messages until none is left. A party's failure is reported to its peer by the
   * party itself (an Abort); the first failure is rethrown once the queue is drained.
   */
  public void run() {
    PsiException first = null;
    while (true) {
      byte[] wire;
      synchronized (this) {
        wire = queue.poll();
      }
      if (wire == null) {
        break;
      }
      PsiMessage m = PsiCodec.decode(wire);
      List<PsiParty> targets = new ArrayList<>();
      if ("*".equals(m.to())) {
        parties.values().stream().filter(p -> !p.id().equals(m.from())).forEach(targets::add);
      } else if (parties.containsKey(m.to())) {
        targets.add(parties.get(m.to()));
      }
      for (PsiParty p : targets) {
        try {
          p.onMessage(m);
        } catch (PsiException e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  public long totalBytes() {
    return bytesByDirection.values().stream().mapToLong(Long::longValue).sum();
  }

  public long messageCount() {
    return messages;
  }

  public Map<String, Long> bytesByDirection() {
    return Collections.unmodifiableMap(bytesByDirection);
  }

  public List<Relayed> log() {
    return Collections.unmodifiableList(log);
  }
}
