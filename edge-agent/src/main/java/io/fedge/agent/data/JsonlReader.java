package io.fedge.agent.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming reader of JSON Lines: one JSON object per line (LF or CRLF), strict UTF-8, a UTF-8 byte
 * order mark tolerated, blank lines skipped. Each object's values become text the same way a CSV
 * cell is text: {@code null} is missing, numbers and booleans their JSON text, strings their
 * content, nested arrays and objects their compact JSON. A line that is not valid UTF-8, not JSON,
 * not an object, or longer than the limit is an error of that record only.
 */
public final class JsonlReader implements Closeable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One object of the file, keys in file order; {@code error} set when it could not be read. */
  public record JsonRecord(long line, Map<String, String> values, String error) {}

  private final FileChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
  private final int maxLineBytes;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] lineBuf = new byte[1024];
  private long offset;
  private long line;
  private boolean eof;

  private JsonlReader(FileChannel channel, long offset, long line, int maxLineBytes) {
    this.channel = channel;
    this.offset = offset;
    this.line = line;
    this.maxLineBytes = maxLineBytes;
    buf.limit(0);
  }

  public static JsonlReader open(Path file, long offset, long line, int maxLineBytes) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(offset);
    JsonlReader r = new JsonlReader(ch, offset, line, maxLineBytes);
    if (offset == 0) {
      r.skipByteOrderMark();
    }
    return r;
  }

  public long position() {
    return offset;
  }

  public long nextLine() {
    return line;
  }

  private void skipByteOrderMark() throws IOException {
    fill();
    if (buf.remaining() >= 3 && buf.get(0) == (byte) 0xEF && buf.get(1) == (byte) 0xBB && buf.get(2) == (byte) 0xBF) {
      buf.position(3);
      offset = 3;
    } else if (buf.remaining() >= 2 && ((buf.get(0) == (byte) 0xFF && buf.get(1) == (byte) 0xFE) || (buf.get(0) == (byte) 0xFE && buf.get(1) == (byte) 0xFF))) {
      throw new DataException("the file is UTF-16 encoded (it starts with a UTF-16 byte order mark); save it as UTF-8");
    }
  }

  /** The next object, or null at the end of the file. */
  public JsonRecord next() throws IOException {
    while (true) {
      int len = 0;
      boolean tooLong = false;
      boolean any = false;
      while (true) {
        if (!buf.hasRemaining() && !fill()) {
          break;
        }
        byte b = buf.get();
        offset++;
        any = true;
        if (b == '\n') {
          break;
        }
        if (len < maxLineBytes) {
          if (len == lineBuf.length) {
            lineBuf = java.util.Arrays.copyOf(lineBuf, Math.min(maxLineBytes, lineBuf.length * 2));
          }
          lineBuf[len++] = b;
        } else {
          tooLong = true;
        }
      }
      if (!any) {
        return null;
      }
      long at = line++;
      if (len > 0 && lineBuf[len - 1] == '\r') {
        len--;
      }
      if (tooLong) {
        return new JsonRecord(at, Map.of(), "line is longer than " + maxLineBytes + " bytes");
      }
      if (isBlank(len)) {
        continue;
      }
      return parse(at, len);
    }
  }

  private boolean isBlank(int len) {
    for (int i = 0; i < len; i++) {
      byte b = lineBuf[i];
      if (b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private JsonRecord parse(long at, int len) {
    String text;
    try {
      CharBuffer cb = strict.reset().decode(ByteBuffer.wrap(lineBuf, 0, len));
      text = cb.toString();
    } catch (CharacterCodingException e) {
      return new JsonRecord(at, Map.of("_raw", new String(lineBuf, 0, len, StandardCharsets.UTF_8)),
          "line is not valid UTF-8 (the file is probably in another encoding; save it as UTF-8)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return new JsonRecord(at, Map.of("_raw", text), "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return new JsonRecord(at, Map.of("_raw", text), "line is not a JSON object");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String s;
      if (v.isNull()) {
        s = null;
      } else if (v.isTextual()) {
        s = v.textValue();
      } else if (v.isContainerNode()) {
        s = v.toString();
      } else {
        s = v.asText();
      }
      values.put(e.getKey(), s);
    }
    return new JsonRecord(at, values, null);
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    buf.clear();
    int n;
    do {
      n = channel.read(buf);
    } while (n == 0);
    buf.flip();
    if (n < 0) {
      eof = true;
      return false;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
