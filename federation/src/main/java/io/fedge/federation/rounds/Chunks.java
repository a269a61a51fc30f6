package io.fedge.federation.rounds;

import io.fedge.federation.wire.WireException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Splits payloads into {@link Chunk}s and joins them back, checking every hash. */
public final class Chunks {
  private Chunks() {}

  /** Lower-case hex SHA-256 of {@code data}, as chunks carry it. */
  public static String sha256Hex(byte[] data) {
    return Chunk.hex(data);
  }

  public static List<Chunk> split(String transferId, byte[] payload) {
    return split(transferId, payload, Chunk.CHUNK_BYTES);
  }

  static List<Chunk> split(String transferId, byte[] payload, int chunkBytes) {
    int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    if (count > Chunk.MAX_CHUNKS) {
      throw new WireException(
          WireException.Reason.TOO_LARGE,
          "payload of " + payload.length + " bytes needs more than " + Chunk.MAX_CHUNKS + " chunks");
    }
    String total = Chunk.hex(payload);
    List<Chunk> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      byte[] data = Arrays.copyOfRange(payload, from, Math.min(payload.length, from + chunkBytes));
      out.add(new Chunk(transferId, i, count, payload.length, total, Chunk.hex(data), data));
    }
    return out;
  }

  /**
   * Joins the chunks of one transfer (any order, duplicates allowed if identical). Throws if any
   * is missing, if they disagree on the transfer's shape, or if the whole does not match its hash.
   */
  public static byte[] join(Collection<Chunk> chunks) {
    if (chunks.isEmpty()) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "no chunks to join");
    }
    Chunk first = chunks.iterator().next();
    Chunk[] byIndex = new Chunk[first.count()];
    for (Chunk c : chunks) {
      requireSameTransfer(first, c);
      byIndex[c.index()] = c;
    }
    long length = 0;
    for (int i = 0; i < byIndex.length; i++) {
      if (byIndex[i] == null) {
        throw new WireException(
            WireException.Reason.INVALID_FIELD, "chunk " + i + " of " + first.transferId() + " is missing");
      }
      length += byIndex[i].data().length;
    }
    if (length != first.totalBytes()) {
      throw new WireException(
          WireException.Reason.INVALID_FIELD,
          first.transferId() + ": chunks hold " + length + " bytes, expected " + first.totalBytes());
    }
    byte[] out = new byte[(int) length];
    int at = 0;
    for (Chunk c : byIndex) {
      System.arraycopy(c.data(), 0, out, at, c.data().length);
      at += c.data().length;
    }
    if (!Chunk.hex(out).equals(first.totalSha256())) {
      throw new WireException(
          WireException.Reason.INVALID_FIELD, first.transferId() + ": reassembled payload does not match its SHA-256");
    }
    return out;
  }

  /** Throws unless {@code c} belongs to the same transfer, with the same shape, as {@code first}. */
  public static void requireSameTransfer(Chunk first, Chunk c) {
    if (!c.transferId().equals(first.transferId())
        || c.count() != first.count()
        || c.totalBytes() != first.totalBytes()
        || !c.totalSha256().equals(first.totalSha256())) {
      throw new WireException(
          WireException.Reason.INVALID_FIELD,
          "chunk " + c.index() + " of " + c.transferId() + " disagrees with the transfer's other chunks");
    }
  }
}
