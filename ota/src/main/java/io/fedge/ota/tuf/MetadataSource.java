package io.fedge.ota.tuf;

import java.io.IOException;
import java.util.Optional;

/** Where a client fetches metadata files by name ({@code timestamp.json}, {@code 3.root.json}, ...). */
public interface MetadataSource {
  /**
   * The file's bytes, or empty if the repository has no such file. Implementations read at most
   * {@code maxBytes + 1} bytes and throw {@link TufException.Reason#LENGTH_EXCEEDED} beyond
   * {@code maxBytes}, so an endless response cannot exhaust the device.
   */
  Optional<byte[]> fetch(String name, long maxBytes) throws IOException, TufException;

  /** Reads at most {@code max} bytes; more is an endless-data attack. */
  static byte[] readAtMost(java.io.InputStream in, long max, String what) throws IOException, TufException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        throw new TufException(TufException.Reason.LENGTH_EXCEEDED, what + " is longer than the " + max + " bytes allowed");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
