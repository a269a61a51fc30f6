package io.fedge.systest.support;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads tar streams in plain Java (POSIX ustar with pax extended headers and GNU long names: what GNU tar, the
 * assembly plugin and Jib write), so tests check images and bundles without docker or an archive library.
 */
public final class Tars {
  private Tars() {}

  /** One member: its path, mode bits, owner ids, size and type ('0' file, '5' directory, '2' symlink, ...). */
  public record Entry(String name, int mode, long uid, long gid, long size, char type, String linkName) {
    public boolean isFile() {
      return type == '0' || type == '7';
    }

    public boolean isDirectory() {
      return type == '5';
    }
  }

  /** Receives each member with its content (read as much as needed; the rest is skipped). */
  @FunctionalInterface
  public interface Visitor {
    void entry(Entry e, InputStream content) throws IOException;
  }

  public static void read(InputStream in, Visitor visitor) throws IOException {
    byte[] h = new byte[512];
    Map<String, String> pax = Map.of();
    String longName = null;
    while (readBlock(in, h)) {
      if (isZero(h)) {
        return;
      }
      String name = text(h, 0, 100);
      if (text(h, 257, 5).equals("ustar")) {
        String prefix = text(h, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      char type = h[156] == 0 ? '0' : (char) h[156];
      long size = number(h, 124, 12);
      if (type == 'x' || type == 'g' || type == 'L') {
        byte[] data = in.readNBytes(Math.toIntExact(size));
        skipPadding(in, size);
        if (type == 'x') {
          pax = parsePax(data);
        } else if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
        }
        continue;
      }
      if (longName != null) {
        name = longName;
      }
      name = pax.getOrDefault("path", name);
      size = Long.parseLong(pax.getOrDefault("size", Long.toString(size)));
      Entry e = new Entry(name, (int) number(h, 100, 8),
          Long.parseLong(pax.getOrDefault("uid", Long.toString(number(h, 108, 8)))),
          Long.parseLong(pax.getOrDefault("gid", Long.toString(number(h, 116, 8)))),
          size, type, pax.getOrDefault("linkpath", text(h, 157, 100)));
      Bounded content = new Bounded(in, e.isDirectory() || type == '2' || type == '1' ? 0 : size);
      visitor.entry(e, content);
      content.skipRest();
      skipPadding(in, content.limit);
      pax = Map.of();
      longName = null;
    }
  }

  private static boolean readBlock(InputStream in, byte[] h) throws IOException {
    int n = in.readNBytes(h, 0, h.length);
    if (n == 0) {
      return false;
    }
    if (n < h.length) {
      throw new EOFException("truncated tar header");
    }
    return true;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /** Octal (ustar) or base-256 (GNU, high bit set) number. */
  private static long number(byte[] b, int off, int len) {
    if ((b[off] & 0x80) != 0) {
      long v = b[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    String s = text(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  /** Records "LEN key=value\n". */
  private static Map<String, String> parsePax(byte[] data) {
    Map<String, String> m = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      int sp = i;
      while (data[sp] != ' ') {
        sp++;
      }
      int len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
      String rec = new String(data, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      m.put(rec.substring(0, eq), rec.substring(eq + 1));
      i += len;
    }
    return m;
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    discard(in, (512 - size % 512) % 512);
  }

  /** Skips by reading, so a digesting stream underneath sees every byte. */
  private static void discard(InputStream in, long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new EOFException("truncated tar stream");
      }
      n -= r;
    }
  }

  /** A member's content: at most its size, never closing the archive stream. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private final long limit;
    private long left;

    Bounded(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException("truncated tar member");
      }
      left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("truncated tar member");
      }
      left -= n;
      return n;
    }

    void skipRest() throws IOException {
      discard(in, left);
      left = 0;
    }

    @Override
    public void close() {
      // the archive stream stays open
    }
  }
}
