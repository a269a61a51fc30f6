package io.fedge.agent.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The types a dataset column can have, and the one textual grammar every source is checked
 * against. An empty cell is {@code null} in every type. The grammars are deliberately strict, so
 * that inference never turns an identifier such as {@code 007} or a postcode into a number:
 *
 * <ul>
 *   <li>{@link #BOOL}: {@code true} or {@code false}, any case (not 0/1: those are ints)
 *   <li>{@link #INT}: optional {@code -}, digits without leading zeros, fits a signed 64-bit long
 *   <li>{@link #FLOAT}: an {@link #INT}-style integer part, optional fraction and exponent, or
 *       {@code NaN}; stored as a 64-bit IEEE double
 *   <li>{@link #DATE}: ISO-8601 {@code yyyy-MM-dd}
 *   <li>{@link #TIMESTAMP}: ISO-8601 date-time with {@code T} or a space between date and time; with
 *       an offset or {@code Z} it is converted to UTC, without one it is taken as UTC. Stored as
 *       ISO-8601 UTC text ({@code 2026-11-23T11:50:00Z}), which sorts chronologically.
 *   <li>{@link #STRING}: anything that is valid UTF-8
 * </ul>
 */
public enum ColumnType {
  BOOL,
  INT,
  FLOAT,
  DATE,
  TIMESTAMP,
  STRING;

  /** The lower-case name used in schemas and documentation. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ColumnType ofLabel(String label) {
    for (ColumnType t : values()) {
      if (t.label().equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown column type '" + label + "'");
  }

  /** Whether a non-empty text value belongs to this type. */
  public boolean accepts(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The stored value of a non-empty text: Long, Double, Boolean, or a String (dates, timestamps
   * in their canonical form, strings as given).
   *
   * @throws IllegalArgumentException naming the expected type when the text does not belong to it
   */
  public Object parse(String text) {
    switch (this) {
      case BOOL:
        if (text.equalsIgnoreCase("true")) {
          return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
          return Boolean.FALSE;
        }
        throw notA(text);
      case INT:
        if (!isInteger(text, 0, text.length())) {
          throw notA(text);
        }
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + shorten(text) + "' is out of the int range (64-bit)");
        }
      case FLOAT:
        if (text.equals("NaN")) {
          return Double.NaN;
        }
        if (!isDecimal(text)) {
          throw notA(text);
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
          throw new IllegalArgumentException("'" + shorten(text) + "' is out of the float range");
        }
        return d;
      case DATE:
        if (text.length() != 10) {
          throw notA(text);
        }
        try {
          return LocalDate.parse(text).toString();
        } catch (DateTimeParseException e) {
          throw notA(text);
        }
      case TIMESTAMP:
        return parseTimestamp(text).toString();
      case STRING:
      default:
        return text;
    }
  }

  private Instant parseTimestamp(String text) {
    if (text.length() < 16 || text.length() > 40 || !(text.charAt(10) == 'T' || text.charAt(10) == ' ')) {
      throw notA(text);
    }
    String t = text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw notA(text);
      }
    }
  }

  private IllegalArgumentException notA(String text) {
    return new IllegalArgumentException("'" + shorten(text) + "' is not " + article() + " " + label());
  }

  private String article() {
    return this == INT ? "an" : "a";
  }

  static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  /** Optional '-', then "0" or a non-zero digit followed by digits. */
  private static boolean isInteger(String s, int from, int to) {
    int i = from;
    if (i < to && s.charAt(i) == '-') {
      i++;
    }
    return isUnsignedInteger(s, i, to);
  }

  private static boolean isUnsignedInteger(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    if (s.charAt(from) == '0') {
      return to - from == 1;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** integer part [ '.' digits ] [ ('e'|'E') ['+'|'-'] digits ]. */
  private static boolean isDecimal(String s) {
    int n = s.length();
    int e = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == 'e' || c == 'E') {
        e = i;
        break;
      }
    }
    int dot = s.indexOf('.');
    if (dot > e) {
      return false;
    }
    int intEnd = dot >= 0 ? dot : e;
    if (!isInteger(s, 0, intEnd)) {
      return false;
    }
    if (dot >= 0 && !isDigits(s, dot + 1, e)) {
      return false;
    }
    if (e < n) {
      int x = e + 1;
      if (x < n && (s.charAt(x) == '+' || s.charAt(x) == '-')) {
        x++;
      }
      return isDigits(s, x, n);
    }
    return true;
  }
}
