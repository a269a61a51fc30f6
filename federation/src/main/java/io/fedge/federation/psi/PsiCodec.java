package io.fedge.federation.psi;

import io.fedge.federation.psi.PsiMessages.Abort;
import io.fedge.federation.psi.PsiMessages.BatchAck;
import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Done;
import io.fedge.federation.psi.PsiMessages.FilterPublication;
import io.fedge.federation.psi.PsiMessages.Hello;
import io.fedge.federation.psi.PsiMessages.Reveal;
import io.fedge.federation.psi.PsiMessages.Role;
import io.fedge.federation.psi.PsiMessages.Stage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Binary wire form of {@link PsiMessage}s, compact because most bytes are points (docs/psi.md,
 * "Wire format"): {@code "FPSI"}, version (u8), type (u8), then the record's fields in order;
 * strings as u16 length + UTF-8, enums as their name, int/long big-endian, byte arrays and int
 * arrays with an i32 count. Decoding checks lengths and refuses trailing bytes.
 */
public final class PsiCodec {
  private static final byte[] MAGIC = {'F', 'P', 'S', 'I'};
  private static final int MAX_STRING = 1024;
  /** Largest byte array accepted: a 64 Mi-slot filter of 32-bit fingerprints. */
  private static final int MAX_BYTES = 256 << 20;

  private PsiCodec() {}

  public static byte[] encode(PsiMessage m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(
        m instanceof BlindedBatch b ? b.points().length + 128 : 256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(m.version());
      if (m instanceof Hello h) {
        out.writeByte(1);
        head(out, m);
        str(out, h.role().name());
        str(out, h.mode().name());
        str(out, h.suite());
        str(out, h.normalization());
        str(out, h.context());
        out.writeLong(h.setSize());
        out.writeInt(h.batchSize());
      } else if (m instanceof BlindedBatch b) {
        out.writeByte(2);
        head(out, m);
        str(out, b.stage().name());
        out.writeInt(b.index());
        arr(out, b.points());
      } else if (m instanceof BatchAck a) {
        out.writeByte(3);
        head(out, m);
        out.writeInt(a.index());
      } else if (m instanceof Reveal r) {
        out.writeByte(4);
        head(out, m);
        out.writeInt(r.positions().length);
        for (int p : r.positions()) {
          out.writeInt(p);
        }
        arr(out, r.points());
      } else if (m instanceof Done) {
        out.writeByte(5);
        head(out, m);
      } else if (m instanceof Abort a) {
        out.writeByte(6);
        head(out, m);
        str(out, a.code());
        str(out, a.reason());
      } else if (m instanceof FilterPublication f) {
        out.writeByte(7);
        head(out, m);
        str(out, f.suite());
        str(out, f.normalization());
        out.writeLong(f.itemCount());
        out.writeInt(f.fingerprintBits());
        out.writeInt(f.bucketCount());
        arr(out, f.filter());
      } else {
        throw new IllegalArgumentException("unknown message " + m.getClass());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws PsiException (PROTOCOL_MISMATCH) if the bytes are not a well-formed message of a
   *     version this code reads
   */
  public static PsiMessage decode(byte[] wire) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire))) {
      byte[] magic = in.readNBytes(4);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw bad("not a PSI message (bad magic)");
      }
      int version = in.readUnsignedByte();
      if (version != PsiMessage.VERSION) {
        throw bad("PSI message version " + version + " is not supported (this party speaks "
            + PsiMessage.VERSION + "): upgrade the older party");
      }
      int type = in.readUnsignedByte();
      String session = str(in);
      String from = str(in);
      String to = str(in);
      PsiMessage m;
      switch (type) {
        case 1:
          m = new Hello(version, session, from, to, enumOf(Role.class, str(in)),
              enumOf(PsiMode.class, str(in)), str(in), str(in), str(in), in.readLong(), in.readInt());
          break;
        case 2:
          m = new BlindedBatch(version, session, from, to, enumOf(Stage.class, str(in)),
              in.readInt(), points(in));
          break;
        case 3:
          m = new BatchAck(version, session, from, to, in.readInt());
          break;
        case 4: {
          int n = in.readInt();
          if (n < 0 || n > MAX_BYTES / 32) {
            throw bad("reveal count out of range");
          }
          int[] positions = new int[n];
          for (int i = 0; i < n; i++) {
            positions[i] = in.readInt();
          }
          byte[] pts = points(in);
          if (pts.length != 32L * n) {
            throw bad("reveal has " + n + " positions but " + pts.length / 32 + " points");
          }
          m = new Reveal(version, session, from, to, positions, pts);
          break;
        }
        case 5:
          m = new Done(version, session, from, to);
          break;
        case 6:
          m = new Abort(version, session, from, to, str(in), str(in));
          break;
        case 7:
          m = new FilterPublication(version, session, from, to, str(in), str(in), in.readLong(),
              in.readInt(), in.readInt(), arr(in));
          break;
        default:
          throw bad("unknown PSI message type " + type);
      }
      if (in.read() != -1) {
        throw bad("trailing bytes after a PSI message");
      }
      return m;
    } catch (EOFException e) {
      throw bad("truncated PSI message");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void head(DataOutputStream out, PsiMessage m) throws IOException {
    str(out, m.session());
    str(out, m.from());
    str(out, m.to());
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING) {
      throw new IllegalArgumentException("string field longer than " + MAX_STRING + " bytes");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static String str(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    if (n > MAX_STRING) {
      throw bad("string field longer than " + MAX_STRING + " bytes");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException();
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void arr(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] arr(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_BYTES) {
      throw bad("byte field length " + n + " out of range");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException();
    }
    return b;
  }

  private static byte[] points(DataInputStream in) throws IOException {
    byte[] b = arr(in);
    if (b.length % 32 != 0) {
      throw new PsiException(PsiException.Code.MALFORMED_POINT,
          "point field of " + b.length + " bytes is not a whole number of 32-byte points");
    }
    return b;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw bad("unknown " + type.getSimpleName() + " '" + name + "'");
    }
  }

  private static PsiException bad(String what) {
    return new PsiException(PsiException.Code.PROTOCOL_MISMATCH, what);
  }
}
