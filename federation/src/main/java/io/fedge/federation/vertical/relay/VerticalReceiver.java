package io.fedge.federation.vertical.relay;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import io.fedge.federation.wire.WireException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reassembles the packets one party receives into whole messages and hands them out in sequence
 * order per stream (job, from). Delivery over MQTT is at least once and a sender's chunks may be
 * reordered by reconnects, so: repeated chunks and messages already delivered are dropped;
 * messages that complete early wait for their predecessors. Memory is bounded: a stream may run
 * at most {@link #MAX_AHEAD} messages ahead of the next expected one, and the bytes held for all
 * streams of a receiver are capped.
 */
public final class VerticalReceiver {
  /** Messages a stream may hold beyond the next one expected. */
  public static final int MAX_AHEAD = 256;

  /** One whole message, ready for the protocol. */
  public record Message(String jobId, String from, long seq, boolean sealed, byte[] payload) {}

  private record Key(String jobId, String from) {}

  private static final class Stream {
    long next;
    final Map<Long, Map<Integer, Chunk>> partial = new HashMap<>();
    final TreeMap<Long, Message> complete = new TreeMap<>();
  }

  private final String self;
  private final long maxHeldBytes;
  private final Map<Key, Stream> streams = new HashMap<>();
  private long heldBytes;

  /** @param maxHeldBytes bytes of incomplete or early messages held for all streams together */
  public VerticalReceiver(String self, long maxHeldBytes) {
    this.self = self;
    this.maxHeldBytes = maxHeldBytes;
  }

  /**
   * Takes one packet for this party; returns the messages that became deliverable, in order (often
   * none, at most one per packet plus any that waited for it).
   *
   * @throws WireException for a packet addressed to someone else, a chunk that contradicts an
   *     earlier chunk of the same message, a sequence too far ahead, or too many bytes held
   */
  public synchronized List<Message> accept(VerticalPacket p) {
    if (!p.to().equals(self)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "packet for " + p.to() + " reached " + self);
    }
    Stream s = streams.computeIfAbsent(new Key(p.jobId(), p.from()), k -> new Stream());
    if (p.seq() < s.next || s.complete.containsKey(p.seq())) {
      return List.of(); // a repeat of a delivered or completed message
    }
    if (p.seq() >= s.next + MAX_AHEAD) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "message " + p.seq() + " from " + p.from()
          + " is more than " + MAX_AHEAD + " ahead of the next expected (" + s.next + ")");
    }
    Chunk c = p.chunk();
    Map<Integer, Chunk> parts = s.partial.computeIfAbsent(p.seq(), k -> new HashMap<>());
    if (!parts.isEmpty()) {
      Chunk first = parts.values().iterator().next();
      if (first.count() != c.count() || first.totalBytes() != c.totalBytes()
          || !first.totalSha256().equals(c.totalSha256())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "chunk " + c.index() + " of message " + p.seq()
            + " from " + p.from() + " disagrees with the message's other chunks");
      }
    }
    Chunk had = parts.get(c.index());
    if (had != null) {
      if (!had.sha256().equals(c.sha256())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "chunk " + c.index() + " of message " + p.seq()
            + " from " + p.from() + " arrived twice with different contents");
      }
      return List.of();
    }
    if (heldBytes + c.data().length > maxHeldBytes) {
      throw new WireException(WireException.Reason.TOO_LARGE, self + " holds " + heldBytes
          + " bytes of unfinished vertical messages; refusing more (limit " + maxHeldBytes + ")");
    }
    parts.put(c.index(), c);
    heldBytes += c.data().length;
    if (parts.size() == c.count()) {
      s.partial.remove(p.seq());
      byte[] payload = Chunks.join(parts.values());
      s.complete.put(p.seq(), new Message(p.jobId(), p.from(), p.seq(), p.sealed(), payload));
    }
    List<Message> out = new ArrayList<>();
    while (!s.complete.isEmpty() && s.complete.firstKey() == s.next) {
      Message m = s.complete.pollFirstEntry().getValue();
      heldBytes -= m.payload().length;
      out.add(m);
      s.next++;
    }
    return out;
  }

  /** Drops everything held for a job (finished or failed). */
  public synchronized void forget(String jobId) {
    streams.entrySet().removeIf(e -> {
      if (!e.getKey().jobId().equals(jobId)) {
        return false;
      }
      for (Map<Integer, Chunk> parts : e.getValue().partial.values()) {
        for (Chunk c : parts.values()) {
          heldBytes -= c.data().length;
        }
      }
      for (Message m : e.getValue().complete.values()) {
        heldBytes -= m.payload().length;
      }
      return true;
    });
  }

  public synchronized long heldBytes() {
    return heldBytes;
  }
}
