package io.fedge.federation.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical encoding of ledger entries: a small, strict subset of JSON with exactly one
 * encoding per value, so anyone holding an entry's content can recompute its leaf hash
 * ({@code Rfc9162.leafHash(CanonicalJson.encode(value))}).
 *
 * <h2>Rules</h2>
 *
 * <ol>
 *   <li>The entry is the UTF-8 encoding of one JSON value with no whitespace outside strings.
 *   <li>Objects come from {@link Map}s with {@link String} keys, or from records (one member per
 *       component, named as the component). Keys are 1 to 128 printable ASCII characters (U+0020
 *       to U+007E) other than {@code "} and {@code \}; members are sorted by key in ASCII order.
 *   <li>Arrays come from {@link List}s, in list order.
 *   <li>Strings are well-formed Unicode (no unpaired surrogates). Only {@code "} and {@code \}
 *       (escaped as {@code \"} and {@code \\}) and U+0000 to U+001F (escaped as <code>&#92;u00XX</code>
 *       with lower-case hex) are escaped; every other character is written as itself in UTF-8.
 *   <li>Numbers are integers only ({@link Integer}, {@link Long}, {@link Short}, {@link Byte},
 *       {@link BigInteger}): decimal, a leading {@code -} for negatives, no leading zeros, no
 *       {@code +}, fraction or exponent. Anything fractional goes in a string.
 *   <li>{@code true} and {@code false} come from {@link Boolean}. {@code null} is not allowed:
 *       leave the member out instead.
 *   <li>Nesting is limited to {@value #MAX_DEPTH} levels. Any other Java type is rejected.
 * </ol>
 */
public final class CanonicalJson {
  public static final int MAX_DEPTH = 32;
  private static final int MAX_KEY = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code value}; throws IllegalArgumentException if it breaks a rule. */
  public static byte[] encode(Object value) {
    return encodeToString(value).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of {@code value}. */
  public static String encodeToString(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, 0);
    return sb.toString();
  }

  /** {@code Rfc9162.leafHash(encode(value))}. */
  public static byte[] leafHash(Object value) {
    return Rfc9162.leafHash(encode(value));
  }

  private static void write(Object v, StringBuilder sb, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
    }
    if (v == null) {
      throw new IllegalArgumentException("null is not allowed; omit the member");
    } else if (v instanceof String s) {
      writeString(s, sb);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("object keys must be strings");
        }
        sorted.put(key, e.getValue());
      }
      writeObject(sorted, sb, depth);
    } else if (v instanceof Record r) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        sorted.put(c.getName(), component(r, c));
      }
      writeObject(sorted, sb, depth);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(list.get(i), sb, depth + 1);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(v.getClass().getName() + " has no canonical encoding");
    }
  }

  private static void writeObject(TreeMap<String, Object> members, StringBuilder sb, int depth) {
    // TreeMap orders by UTF-16 code units, which equals ASCII order for the keys allowed here.
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : members.entrySet()) {
      requireKey(e.getKey());
      if (!first) {
        sb.append(',');
      }
      first = false;
      writeString(e.getKey(), sb);
      sb.append(':');
      write(e.getValue(), sb, depth + 1);
    }
    sb.append('}');
  }

  private static void requireKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("keys must be 1 to " + MAX_KEY + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        throw new IllegalArgumentException("key " + key.replaceAll("[^ -~]", "?") + " has a disallowed character");
      }
    }
  }

  private static void writeString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("strings must not contain unpaired surrogates");
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  private static Object component(Record r, RecordComponent c) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read record component " + c.getName(), e);
    }
  }
}
