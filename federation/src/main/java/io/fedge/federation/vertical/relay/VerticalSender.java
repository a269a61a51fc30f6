package io.fedge.federation.vertical.relay;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers and chunks the messages one party sends in vertical jobs: a sequence per (job, receiver)
 * starting at 0, so the receiver's {@link VerticalReceiver} can restore the order.
 */
public final class VerticalSender {
  private final String self;
  private final Map<String, Long> next = new HashMap<>();

  public VerticalSender(String self) {
    this.self = self;
  }

  /** The next sequence number of stream (job, self, to); each call takes one. */
  public synchronized long nextSeq(String jobId, String to) {
    return next.merge(jobId + "\u0000" + to, 1L, Long::sum) - 1;
  }

  /** Splits one message (already sealed if {@code sealed}) into packets with sequence {@code seq}. */
  public List<VerticalPacket> packets(String jobId, String to, long seq, boolean sealed, byte[] payload) {
    if (payload.length > VerticalPacket.MAX_MESSAGE_BYTES) {
      throw new io.fedge.federation.wire.WireException(io.fedge.federation.wire.WireException.Reason.TOO_LARGE,
          "a vertical message of " + payload.length + " bytes exceeds " + VerticalPacket.MAX_MESSAGE_BYTES);
    }
    String transfer = VerticalPacket.transferId(jobId, self, to, seq);
    List<Chunk> chunks = Chunks.split(transfer, payload);
    return chunks.stream().map(c -> new VerticalPacket(jobId, self, to, seq, sealed, c)).toList();
  }

  /** Forgets a finished job's counters. */
  public synchronized void forget(String jobId) {
    next.keySet().removeIf(k -> k.startsWith(jobId + "\u0000"));
  }

  public String self() {
    return self;
  }
}
