package io.fedge.agent.data.csv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a field's bytes as strict UTF-8. Pure ASCII takes a fast path; invalid sequences and NUL
 * bytes are reported (the value is then decoded with replacement characters, for display only).
 */
final class FieldDecoder {
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private String error;

  String error() {
    return error;
  }

  String decode(byte[] b, int len) {
    error = null;
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      int c = b[i];
      if (c <= 0) {
        if (c == 0) {
          error = "contains a NUL byte: the file is probably UTF-16 or binary, save it as UTF-8";
          return new String(b, 0, len, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        }
        ascii = false;
      }
    }
    if (ascii) {
      return new String(b, 0, len, StandardCharsets.ISO_8859_1);
    }
    try {
      CharBuffer cb = strict.reset().decode(ByteBuffer.wrap(b, 0, len));
      return cb.toString();
    } catch (CharacterCodingException e) {
      error = "is not valid UTF-8 (the file is probably in another encoding such as Windows-1252; save it as UTF-8)";
      return new String(b, 0, len, StandardCharsets.UTF_8);
    }
  }
}
