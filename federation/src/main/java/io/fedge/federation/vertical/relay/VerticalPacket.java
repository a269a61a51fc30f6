package io.fedge.federation.vertical.relay;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireException;

/**
 * Body of a {@link io.fedge.federation.wire.Kinds#VERTICAL} message: one chunk of one message of a
 * vertical job (PSI, LR or trees), device to hub or hub to device. The hub relays packets between
 * the parties of a job and consumes the ones addressed to {@link #HUB}.
 *
 * @param jobId the vertical job ({@link Ids} alphabet)
 * @param from the sending party (a device id, or {@link #HUB}); the hub checks it against the
 *     authenticated sender and the job's parties
 * @param to the receiving party (a device id, or {@link #HUB})
 * @param seq the message's number in the stream (job, from, to), from 0 without gaps: receivers
 *     deliver in this order and drop repeats
 * @param sealed whether the payload is a {@link Sealing} envelope (required between two devices)
 * @param chunk the piece of the payload (transfer id {@code jobId.from.to.seq})
 */
public record VerticalPacket(String jobId, String from, String to, long seq, boolean sealed, Chunk chunk) {
  /** Party id of the hub (arbiter and relay); never a device id (device ids are 3+ characters). */
  public static final String HUB = "hub";
  /** Largest message of a vertical job, before chunking: 64 MiB (a masked 100,000 x 80 matrix). */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;
  /** Chunks of the largest message. */
  public static final int MAX_CHUNKS = (MAX_MESSAGE_BYTES + Chunk.CHUNK_BYTES - 1) / Chunk.CHUNK_BYTES;

  public VerticalPacket {
    Ids.require("jobId", jobId);
    requireParty("from", from);
    requireParty("to", to);
    if (from.equals(to)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "a vertical packet cannot be sent to its sender");
    }
    if (seq < 0) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "seq must be >= 0, got " + seq);
    }
    if (chunk == null) {
      throw new WireException(WireException.Reason.MALFORMED, "field 'chunk' is missing");
    }
    if (!chunk.transferId().equals(transferId(jobId, from, to, seq))) {
      throw new WireException(WireException.Reason.INVALID_FIELD,
          "chunk transferId must be " + transferId(jobId, from, to, seq) + ", got " + chunk.transferId());
    }
    if (chunk.count() > MAX_CHUNKS || chunk.totalBytes() > MAX_MESSAGE_BYTES) {
      throw new WireException(WireException.Reason.TOO_LARGE, "a vertical message is at most " + MAX_MESSAGE_BYTES
          + " bytes (" + MAX_CHUNKS + " chunks); got " + chunk.totalBytes() + " bytes in " + chunk.count()
          + " chunks: use smaller batches");
    }
  }

  /** The transfer id of a message's chunks: {@code jobId.from.to.seq}. */
  public static String transferId(String jobId, String from, String to, long seq) {
    return jobId + "." + from + "." + to + "." + seq;
  }

  /** Whether both ends are devices (then the payload must be sealed to the receiver). */
  public boolean betweenDevices() {
    return !HUB.equals(from) && !HUB.equals(to);
  }

  private static void requireParty(String field, String id) {
    if (!HUB.equals(id)) {
      Ids.require(field, id);
    }
  }
}
