package io.fedge.agent.data.csv;

import java.io.IOException;
import java.io.Writer;

/** Writes RFC 4180 CSV: fields quoted when they hold a comma, quote, CR or LF; CRLF line ends. */
public final class CsvWriter {
  private final Writer out;

  public CsvWriter(Writer out) {
    this.out = out;
  }

  /** Writes one record; a null value is an empty field. */
  public void write(String... values) throws IOException {
    if (values.length == 1 && (values[0] == null || values[0].isEmpty())) {
      out.write("\"\"\r\n"); // an empty line would read as a blank line, which readers skip
      return;
    }
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      writeField(out, values[i]);
    }
    out.write("\r\n");
  }

  public void flush() throws IOException {
    out.flush();
  }

  static void writeField(Appendable out, String v) throws IOException {
    if (v == null) {
      return;
    }
    if (needsQuotes(v)) {
      out.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          out.append('"');
        }
        out.append(c);
      }
      out.append('"');
    } else {
      out.append(v);
    }
  }

  /** A field needs quotes when it holds a separator, a quote or a line break, or starts with U+FEFF. */
  static boolean needsQuotes(String v) {
    if (v.startsWith("\uFEFF")) {
      return true; // at the start of a file it would read as a byte order mark
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  /** One record as CSV text without the line end, cut to {@code maxChars} characters. */
  public static String formatRecord(String[] values, int maxChars) {
    StringBuilder b = new StringBuilder();
    try {
      for (int i = 0; i < values.length && b.length() <= maxChars; i++) {
        if (i > 0) {
          b.append(',');
        }
        writeField(b, values[i]);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e); // StringBuilder does not throw
    }
    return b.length() <= maxChars ? b.toString() : b.substring(0, maxChars) + "...";
  }
}
