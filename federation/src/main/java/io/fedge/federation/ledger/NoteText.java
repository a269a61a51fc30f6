package io.fedge.federation.ledger;

import java.util.Base64;

/** Lexical rules shared by signed notes and checkpoints (C2SP signed-note and tlog-checkpoint). */
final class NoteText {
  private NoteText() {}

  /** Key names (and our checkpoint origins): non-empty, no Unicode space, no '+', no control character. */
  static boolean isValidKeyName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp == '+' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
        return false;
      }
      if (Character.isSurrogate(name.charAt(i)) && !Character.isSupplementaryCodePoint(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /** True if {@code text} has no control character other than newline and no unpaired surrogate. */
  static boolean hasOnlyNoteCharacters(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Strict standard base64 (RFC 4648 section 4, padded); null unless {@code s} is the canonical encoding. */
  static byte[] decodeBase64(String s) {
    byte[] out;
    try {
      out = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return Base64.getEncoder().encodeToString(out).equals(s) ? out : null;
  }
}
