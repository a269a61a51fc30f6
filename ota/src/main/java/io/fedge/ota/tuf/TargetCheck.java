package io.fedge.ota.tuf;

import io.fedge.ota.tuf.Roles.TargetFile;
import io.fedge.ota.tuf.TufException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Checks a downloaded target against the trusted targets metadata: exact length, then SHA-256. */
public final class TargetCheck {
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private TargetCheck() {}

  /** Target names are file names: 1-128 of {@code [A-Za-z0-9._-]}, not starting with a dot. */
  public static void requireValidName(String name) throws TufException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new TufException(Reason.MALFORMED, "target name must be 1-128 characters of [A-Za-z0-9._-], not starting with '.' or '-'");
    }
  }

  public static void requireWellFormed(String name, TargetFile t) throws TufException {
    if (t.length() < 0 || t.sha256() == null || !t.sha256().matches("[0-9a-f]{64}")) {
      throw new TufException(Reason.MALFORMED, "target " + name + " needs a length and a lower-case hex sha256");
    }
  }

  /** Refuses a file whose length or hash differs; reads at most the stated length plus one byte. */
  public static void verify(Path file, TargetFile expected) throws IOException, TufException {
    long size = Files.size(file);
    if (size > expected.length()) {
      throw new TufException(Reason.LENGTH_EXCEEDED, "target has " + size + " bytes, more than the stated " + expected.length());
    }
    if (size < expected.length()) {
      throw new TufException(Reason.LENGTH_SHORT, "target has " + size + " bytes, fewer than the stated " + expected.length());
    }
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    if (!HexFormat.of().formatHex(md.digest()).equals(expected.sha256())) {
      throw new TufException(Reason.HASH_MISMATCH, "target's SHA-256 differs from the signed targets metadata");
    }
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
