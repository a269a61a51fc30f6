package io.fedge.federation.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * C2SP signed notes with Ed25519 signatures.
 *
 * <pre>
 * &lt;text, ending in a newline&gt;
 * &lt;blank line&gt;
 * — &lt;key name&gt; &lt;base64(4-byte key ID || 64-byte signature)&gt;
 * </pre>
 *
 * The separator is the last blank line; each signature line starts with an em dash (U+2014) and a
 * space and ends in a newline. The signature covers the UTF-8 text including its final newline. A
 * note must be UTF-8 without control characters other than newline, and may carry at most {@link
 * #MAX_SIGNATURES} signatures.
 *
 * <p>{@link #open} follows the spec: signatures from keys not in the trusted set (by name and key
 * ID) are ignored; a failing signature from a trusted key rejects the whole note; at least one
 * trusted signature must verify.
 */
public final class SignedNote {
  public static final int MAX_SIGNATURES = 100;
  private static final String DASH = "\u2014 ";

  private SignedNote() {}

  /** Signs {@code text} (non-empty, ending in a newline) with each signer, in order. */
  public static String sign(String text, NoteSigner... signers) {
    if (text == null || !text.endsWith("\n") || !NoteText.hasOnlyNoteCharacters(text)) {
      throw new IllegalArgumentException("note text must end in a newline and have no control characters");
    }
    if (signers.length == 0 || signers.length > MAX_SIGNATURES) {
      throw new IllegalArgumentException("a note needs 1 to " + MAX_SIGNATURES + " signatures");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(text).append('\n');
    for (NoteSigner signer : signers) {
      byte[] sig = signer.sign(message);
      byte[] blob = ByteBuffer.allocate(4 + sig.length).putInt(signer.keyId()).put(sig).array();
      sb.append(DASH).append(signer.name()).append(' ').append(Base64.getEncoder().encodeToString(blob)).append('\n');
    }
    return sb.toString();
  }

  /** {@link #open(String, List)} with a single trusted key. */
  public static String open(String note, NoteVerifier trusted) throws NoteException {
    return open(note, List.of(trusted));
  }

  /** {@link #open(String, List)} for a note received as bytes, which must be valid UTF-8. */
  public static String open(byte[] note, List<NoteVerifier> trusted) throws NoteException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(note))
          .toString();
    } catch (CharacterCodingException e) {
      throw new NoteException(NoteException.Reason.MALFORMED, "note is not valid UTF-8", e);
    }
    return open(text, trusted);
  }

  /**
   * Verifies {@code note} against the trusted keys and returns its text (with the final newline).
   *
   * @throws NoteException MALFORMED if the note is not a well-formed signed note, BAD_SIGNATURE if
   *     a trusted key's signature fails, UNKNOWN_KEY if no trusted key signed it
   */
  public static String open(String note, List<NoteVerifier> trusted) throws NoteException {
    if (note == null || !NoteText.hasOnlyNoteCharacters(note)) {
      throw malformed("note contains control characters or unpaired surrogates");
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw malformed("note has no blank line before its signatures");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    String[] lines = block.isEmpty() ? new String[0] : block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length == 0) {
      throw malformed("note has no signatures");
    }
    if (lines.length > MAX_SIGNATURES) {
      throw malformed("note has more than " + MAX_SIGNATURES + " signatures");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    boolean verified = false;
    for (String line : lines) {
      if (!line.startsWith(DASH)) {
        throw malformed("signature line must start with an em dash and a space");
      }
      int space = line.indexOf(' ', DASH.length());
      if (space < 0) {
        throw malformed("signature line needs a key name and a signature");
      }
      String name = line.substring(DASH.length(), space);
      byte[] blob = NoteText.decodeBase64(line.substring(space + 1));
      if (!NoteText.isValidKeyName(name) || blob == null || blob.length < 5) {
        throw malformed("signature line has an invalid key name or signature");
      }
      int keyId = ByteBuffer.wrap(blob).getInt();
      for (NoteVerifier v : trusted) {
        if (v.name().equals(name) && v.keyId() == keyId) {
          if (!v.verify(message, Arrays.copyOfRange(blob, 4, blob.length))) {
            throw new NoteException(NoteException.Reason.BAD_SIGNATURE, "signature by " + name + " does not verify");
          }
          verified = true;
        }
      }
    }
    if (!verified) {
      throw new NoteException(NoteException.Reason.UNKNOWN_KEY, "note is not signed by any trusted key");
    }
    return text;
  }

  private static NoteException malformed(String why) {
    return new NoteException(NoteException.Reason.MALFORMED, why);
  }
}
