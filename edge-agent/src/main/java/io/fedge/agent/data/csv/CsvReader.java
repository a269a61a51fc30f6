package io.fedge.agent.data.csv;

import io.fedge.agent.data.DataException;
import io.fedge.agent.data.TextRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 reader that works on bytes and decodes each field as strict UTF-8, so that
 * a bad byte spoils only the record it is in. Memory is bounded by the limits, never by the file.
 *
 * <ul>
 *   <li>Fields are separated by {@code ,}; records end with CRLF, LF or a lone CR.
 *   <li>A field that starts with {@code "} is quoted: it may contain commas, line breaks and {@code
 *       ""} for a quote. A quote inside an unquoted field, anything but a comma or line break after
 *       a closing quote, and a quote still open at the end of the file are errors of that record.
 *   <li>A UTF-8 byte order mark at the start is skipped; a UTF-16 mark fails the whole file.
 *   <li>Invalid UTF-8 or a NUL byte in a field is an error of the record (the file is probably in
 *       another encoding); the reader goes on with the next record.
 *   <li>Blank lines (no bytes at all between two line breaks) are skipped.
 *   <li>A field longer than {@code maxFieldBytes}, a record longer than {@code maxRecordBytes} or
 *       with more than {@code maxFields} fields is an error; its excess bytes are read past, never
 *       kept.
 * </ul>
 *
 * {@link #position()} and {@link #nextLine()} after a record say where the next one starts; a
 * reader opened at that offset and line continues exactly there (used to resume an ingest).
 */
public final class CsvReader implements Closeable, io.fedge.agent.data.TextSource {
  public static final int DEFAULT_MAX_FIELD_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_RECORD_BYTES = 4 << 20;
  public static final int DEFAULT_MAX_FIELDS = 1001;

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int AFTER_QUOTE = 3;

  private final ReadableByteChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
  private final int maxFieldBytes;
  private final int maxRecordBytes;
  private final int maxFields;
  private final FieldDecoder decoder = new FieldDecoder();
  private final List<String> fields = new ArrayList<>();
  private byte[] field = new byte[256];
  private int fieldLen;
  private long recordBytes;
  private long offset; // absolute offset of the next byte to consume
  private long line; // line of the next byte
  private boolean eof;
  private boolean lastWasCr;

  private CsvReader(ReadableByteChannel channel, long offset, long line, int maxFieldBytes, int maxRecordBytes, int maxFields) {
    this.channel = channel;
    this.offset = offset;
    this.line = line;
    this.maxFieldBytes = maxFieldBytes;
    this.maxRecordBytes = maxRecordBytes;
    this.maxFields = maxFields;
    buf.limit(0);
  }

  /** Reads {@code file} from its start, skipping a UTF-8 byte order mark. */
  public static CsvReader open(Path file) throws IOException {
    return open(file, 0, 1, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_FIELDS);
  }

  /**
   * Reads {@code file} from byte {@code offset}, which is on line {@code line}: 0 and 1 for the start
   * of the file, or a {@link #position()} / {@link #nextLine()} pair seen before.
   */
  public static CsvReader open(Path file, long offset, long line, int maxFieldBytes, int maxRecordBytes, int maxFields)
      throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ch.position(offset);
      CsvReader r = new CsvReader(ch, offset, line, maxFieldBytes, maxRecordBytes, maxFields);
      if (offset == 0) {
        r.skipByteOrderMark();
      }
      return r;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** A reader over any channel, from its current position (treated as offset 0, line 1). */
  public static CsvReader of(ReadableByteChannel ch) throws IOException {
    CsvReader r = new CsvReader(ch, 0, 1, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_FIELDS);
    r.skipByteOrderMark();
    return r;
  }

  private void skipByteOrderMark() throws IOException {
    fill(3);
    int n = buf.remaining();
    byte b0 = n > 0 ? buf.get(buf.position()) : 0;
    byte b1 = n > 1 ? buf.get(buf.position() + 1) : 0;
    byte b2 = n > 2 ? buf.get(buf.position() + 2) : 0;
    if (n >= 3 && b0 == (byte) 0xEF && b1 == (byte) 0xBB && b2 == (byte) 0xBF) {
      buf.position(buf.position() + 3);
      offset += 3;
    } else if (n >= 2 && ((b0 == (byte) 0xFF && b1 == (byte) 0xFE) || (b0 == (byte) 0xFE && b1 == (byte) 0xFF))) {
      throw new DataException("the file is UTF-16 encoded (it starts with a UTF-16 byte order mark); save it as UTF-8");
    }
  }

  /** Byte offset just after the last record returned (where the next one starts). */
  @Override
  public long position() {
    return offset;
  }

  /** Line on which the next record starts. */
  @Override
  public long nextLine() {
    return line;
  }

  /** The next record, or null at the end of the input. */
  @Override
  public TextRecord next() throws IOException {
    while (true) {
      int b = peek();
      if (b < 0) {
        return null;
      }
      if (b == '\n' || b == '\r') { // blank line
        consumeLineBreak(b);
        continue;
      }
      return readRecord();
    }
  }

  private TextRecord readRecord() throws IOException {
    long startLine = line;
    fields.clear();
    fieldLen = 0;
    String error = null;
    boolean fieldTooLong = false;
    recordBytes = 0;
    int fieldCount = 0;
    int state = FIELD_START;
    long quoteLine = 0;
    while (true) {
      int b = read();
      if (b < 0) {
        if (state == QUOTED) {
          error = first(error, "a quoted field opened on line " + quoteLine + " is not closed before the end of the file");
        }
        error = first(error, endField(++fieldCount, fieldTooLong));
        break;
      }
      recordBytes++;
      if (state == QUOTED) {
        if (b == '"') {
          state = AFTER_QUOTE;
        } else {
          if (b == '\n') {
            if (!lastWasCr) {
              line++;
            }
          } else if (b == '\r') {
            line++;
          }
          lastWasCr = b == '\r';
          fieldTooLong |= !append(b);
        }
        continue;
      }
      lastWasCr = false;
      if (b == ',') {
        error = first(error, endField(++fieldCount, fieldTooLong));
        fieldTooLong = false;
        state = FIELD_START;
      } else if (b == '\n' || b == '\r') {
        unread(b);
        consumeLineBreak(b);
        error = first(error, endField(++fieldCount, fieldTooLong));
        break;
      } else if (b == '"') {
        if (state == FIELD_START) {
          state = QUOTED;
          quoteLine = line;
        } else if (state == AFTER_QUOTE) {
          state = QUOTED; // "" inside a quoted field
          fieldTooLong |= !append(b);
        } else {
          error = first(error, "a quote inside an unquoted field (field " + (fieldCount + 1) + "); quote the whole field and double inner quotes");
          fieldTooLong |= !append(b);
        }
      } else {
        if (state == AFTER_QUOTE) {
          error = first(error, "unexpected character after the closing quote of field " + (fieldCount + 1));
        }
        state = UNQUOTED;
        fieldTooLong |= !append(b);
      }
      if (recordBytes > maxRecordBytes && error == null) {
        error = "record is longer than " + maxRecordBytes + " bytes";
      }
    }
    if (fieldCount > maxFields) {
      error = first(error, "record has " + fieldCount + " fields, more than the limit of " + maxFields);
    }
    if (recordBytes > maxRecordBytes) {
      error = first(error, "record is longer than " + maxRecordBytes + " bytes");
    }
    return new TextRecord(startLine, fields.toArray(new String[0]), error);
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  /** Stores the current field; returns an error message or null. */
  private String endField(int number, boolean tooLong) {
    String err = null;
    if (tooLong) {
      err = "field " + number + " is longer than " + maxFieldBytes + " bytes";
    }
    if (fields.size() < maxFields) {
      String v = decoder.decode(field, fieldLen);
      if (decoder.error() != null && err == null) {
        err = "field " + number + ": " + decoder.error();
      }
      fields.add(v);
    }
    fieldLen = 0;
    return err;
  }

  private boolean append(int b) {
    if (recordBytes > maxRecordBytes) {
      return true; // reported as a record that is too long; nothing more is kept
    }
    if (fieldLen >= maxFieldBytes || fields.size() >= maxFields) {
      return fieldLen < maxFieldBytes;
    }
    if (fieldLen == field.length) {
      field = java.util.Arrays.copyOf(field, Math.min(maxFieldBytes, field.length * 2));
    }
    field[fieldLen++] = (byte) b;
    return true;
  }

  private void consumeLineBreak(int b) throws IOException {
    read();
    if (b == '\r' && peek() == '\n') {
      read();
    }
    line++;
  }

  private int peek() throws IOException {
    if (!buf.hasRemaining() && !fill(1)) {
      return -1;
    }
    return buf.get(buf.position()) & 0xFF;
  }

  private int read() throws IOException {
    if (!buf.hasRemaining() && !fill(1)) {
      return -1;
    }
    offset++;
    return buf.get() & 0xFF;
  }

  private void unread(int b) {
    buf.position(buf.position() - 1);
    offset--;
  }

  private boolean fill(int want) throws IOException {
    if (eof) {
      return buf.hasRemaining();
    }
    buf.compact();
    try {
      while (buf.position() < want) {
        int n = channel.read(buf);
        if (n < 0) {
          eof = true;
          break;
        }
      }
    } finally {
      buf.flip();
    }
    return buf.hasRemaining();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
