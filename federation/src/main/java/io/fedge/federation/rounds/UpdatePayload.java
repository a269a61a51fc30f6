package io.fedge.federation.rounds;

import io.fedge.federation.wire.WireException;
import java.nio.ByteBuffer;

/**
 * What a participant sends for a round, inside its sealed envelope (binary, big-endian):
 * {@code "FUP1"}, u8 kind, i64 sampleCount, f64 loss, u32 length, then the vector: f64 values for
 * {@link Kind#PLAIN} (the locally trained parameters) and {@link Kind#STATS} (column statistics for
 * federated scaling), or ring elements (i64) for {@link Kind#MASKED} (secure aggregation: the
 * masked vector of sampleCount-weighted parameters followed by the sample count, so the hub learns
 * only the sums).
 */
public record UpdatePayload(Kind kind, long sampleCount, double loss, double[] values, long[] ring) {
  /** What the vector holds. */
  public enum Kind {
    PLAIN,
    MASKED,
    STATS
  }

  private static final int MAGIC = 0x46555031; // "FUP1"
  public static final int MAX_LENGTH = 16 << 20;

  public UpdatePayload {
    if (sampleCount < 0) {
      throw invalid("sampleCount must not be negative");
    }
    if ((kind == Kind.MASKED) != (ring != null) || (kind == Kind.MASKED) == (values != null)) {
      throw invalid("a MASKED payload carries ring elements, the others real values");
    }
  }

  public static UpdatePayload plain(long sampleCount, double loss, double[] parameters) {
    return new UpdatePayload(Kind.PLAIN, sampleCount, loss, parameters.clone(), null);
  }

  public static UpdatePayload stats(long sampleCount, double[] stats) {
    return new UpdatePayload(Kind.STATS, sampleCount, 0, stats.clone(), null);
  }

  public static UpdatePayload masked(long sampleCount, double loss, long[] maskedVector) {
    return new UpdatePayload(Kind.MASKED, sampleCount, loss, null, maskedVector.clone());
  }

  public int length() {
    return kind == Kind.MASKED ? ring.length : values.length;
  }

  public byte[] encode() {
    int n = length();
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 8 + 8 + 4 + 8 * n);
    b.putInt(MAGIC).put((byte) kind.ordinal()).putLong(sampleCount).putDouble(loss).putInt(n);
    if (kind == Kind.MASKED) {
      b.asLongBuffer().put(ring);
    } else {
      b.asDoubleBuffer().put(values);
    }
    return b.array();
  }

  public static UpdatePayload decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.getInt() != MAGIC) {
        throw invalid("not an update payload (bad magic)");
      }
      int k = b.get();
      if (k < 0 || k >= Kind.values().length) {
        throw invalid("unknown update kind " + k);
      }
      Kind kind = Kind.values()[k];
      long samples = b.getLong();
      double loss = b.getDouble();
      int n = b.getInt();
      if (n < 0 || n > MAX_LENGTH || b.remaining() != 8L * n) {
        throw invalid("update vector length " + n + " does not match the payload");
      }
      if (kind == Kind.MASKED) {
        long[] r = new long[n];
        b.asLongBuffer().get(r);
        return new UpdatePayload(kind, samples, loss, null, r);
      }
      double[] v = new double[n];
      b.asDoubleBuffer().get(v);
      for (double x : v) {
        if (!Double.isFinite(x)) {
          throw invalid("update vector holds a non-finite value");
        }
      }
      return new UpdatePayload(kind, samples, loss, v, null);
    } catch (java.nio.BufferUnderflowException e) {
      throw invalid("update payload is truncated");
    }
  }

  private static WireException invalid(String m) {
    return new WireException(WireException.Reason.INVALID_FIELD, m);
  }
}
