package io.fedge.federation.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A C2SP tlog-checkpoint body: the note text a log signs to commit to its tree head.
 *
 * <pre>
 * fedge.example/hub-ledger
 * 1048576
 * 9pdZ8bvzd0AfGQ9NfOLvsJgUJxdgbOD+U2nsMC6Jd8A=
 * </pre>
 *
 * Each line ends in a newline: the origin, the tree size in decimal without leading zeros, the
 * standard base64 of the 32-byte RFC 9162 root, then optional non-empty extension lines. The spec
 * only recommends that origins avoid spaces and '+'; here the origin must also be a valid note key
 * name (non-empty, no Unicode space, no '+', no control character), because Fedge signs each
 * checkpoint with a key named after its origin. Parsing is strict: anything else is rejected.
 */
public final class Checkpoint {
  private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

  private final String origin;
  private final long size;
  private final byte[] rootHash;
  private final List<String> extensions;

  public Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
    if (!NoteText.isValidKeyName(origin)) {
      throw new IllegalArgumentException("origin must be non-empty, without spaces, '+' or control characters");
    }
    if (size < 0) {
      throw new IllegalArgumentException("tree size must not be negative");
    }
    Rfc9162.requireHash(rootHash, "root hash");
    for (String ext : extensions) {
      if (ext.isEmpty() || ext.indexOf('\n') >= 0 || !NoteText.hasOnlyNoteCharacters(ext)) {
        throw new IllegalArgumentException("extension lines must be non-empty single lines of note text");
      }
    }
    this.origin = origin;
    this.size = size;
    this.rootHash = rootHash.clone();
    this.extensions = List.copyOf(extensions);
  }

  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  public String origin() {
    return origin;
  }

  public long size() {
    return size;
  }

  public byte[] rootHash() {
    return rootHash.clone();
  }

  public List<String> extensions() {
    return extensions;
  }

  /** The note text: three lines plus extension lines, each ending in a newline. */
  public String toBody() {
    StringBuilder sb = new StringBuilder();
    sb.append(origin).append('\n').append(size).append('\n');
    sb.append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    for (String ext : extensions) {
      sb.append(ext).append('\n');
    }
    return sb.toString();
  }

  /** Parses exactly the form {@link #toBody()} writes. */
  public static Checkpoint parse(String body) throws NoteException {
    if (body == null || !body.endsWith("\n")) {
      throw malformed("checkpoint must end in a newline");
    }
    if (!NoteText.hasOnlyNoteCharacters(body)) {
      throw malformed("checkpoint contains control characters");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw malformed("checkpoint needs origin, size and root hash lines");
    }
    for (String line : lines) {
      if (line.isEmpty()) {
        throw malformed("checkpoint lines must not be empty");
      }
    }
    if (!NoteText.isValidKeyName(lines[0])) {
      throw malformed("checkpoint origin must not contain spaces, '+' or control characters");
    }
    if (!SIZE.matcher(lines[1]).matches()) {
      throw malformed("checkpoint size must be decimal without leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw malformed("checkpoint size is too large");
    }
    byte[] root = NoteText.decodeBase64(lines[2]);
    if (root == null || root.length != Rfc9162.HASH_SIZE) {
      throw malformed("checkpoint root hash must be the standard base64 of 32 bytes");
    }
    List<String> ext = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
    return new Checkpoint(lines[0], size, root, ext);
  }

  private static NoteException malformed(String why) {
    return new NoteException(NoteException.Reason.MALFORMED, why);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.size == size
        && c.origin.equals(origin)
        && MessageDigest.isEqual(c.rootHash, rootHash)
        && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + " " + size + " " + Base64.getEncoder().encodeToString(rootHash) + "]";
  }
}
