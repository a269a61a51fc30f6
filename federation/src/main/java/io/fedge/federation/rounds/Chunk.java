package io.fedge.federation.rounds;

import io.fedge.federation.wire.WireException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One piece of a large payload (a sealed update, a model) sent over MQTT. Every chunk names the
 * transfer it belongs to, its position, the number of chunks, the SHA-256 of its own bytes and of
 * the whole payload, so a receiver can store chunks as they come (in any order, any number of
 * times) and check each one and the reassembled whole.
 *
 * @param transferId {@code [A-Za-z0-9._-]{1,200}}, unique per payload (e.g. job.round.attempt.device)
 * @param index 0-based position
 * @param count number of chunks of the payload (1..{@value #MAX_CHUNKS})
 * @param totalBytes payload length
 * @param totalSha256 lower-case hex SHA-256 of the whole payload
 * @param sha256 lower-case hex SHA-256 of {@code data}
 * @param data the bytes (base64 in JSON)
 */
public record Chunk(
    String transferId, int index, int count, long totalBytes, String totalSha256, String sha256, byte[] data) {
  /** Raw bytes per chunk: base64 makes 240 KiB of it, under the codec's 256 KiB envelope limit. */
  public static final int CHUNK_BYTES = 180 * 1024;
  public static final int MAX_CHUNKS = 4096;

  public Chunk {
    if (transferId == null || !transferId.matches("[A-Za-z0-9._-]{1,200}")) {
      throw invalid("transferId must be 1-200 of [A-Za-z0-9._-]");
    }
    if (count < 1 || count > MAX_CHUNKS || index < 0 || index >= count) {
      throw invalid("chunk " + index + " of " + count + " is out of range (1.." + MAX_CHUNKS + " chunks)");
    }
    if (data == null || data.length > CHUNK_BYTES) {
      throw invalid("chunk data must be at most " + CHUNK_BYTES + " bytes");
    }
    if (totalBytes < 0 || totalBytes > (long) MAX_CHUNKS * CHUNK_BYTES) {
      throw invalid("totalBytes " + totalBytes + " is out of range");
    }
    if (!isHex(totalSha256) || !isHex(sha256)) {
      throw invalid("sha256 and totalSha256 must be 64 lower-case hex digits");
    }
    if (!sha256.equals(hex(data))) {
      throw invalid("chunk " + index + " of " + transferId + " does not match its SHA-256 (damaged in transit)");
    }
  }

  private static WireException invalid(String message) {
    return new WireException(WireException.Reason.INVALID_FIELD, message);
  }

  private static boolean isHex(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }

  static String hex(byte[] data) {
    return HexFormat.of().formatHex(sha256(data));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
