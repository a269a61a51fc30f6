package io.fedge.hub.broker;

/** Makes client-supplied text safe to put in a log line. */
final class LogSafe {
  private static final int MAX = 80;

  private LogSafe() {}

  /** {@code text} with control characters replaced and cut to a bounded length, quoted. */
  static String text(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 5).append('"');
    for (int i = 0; i < text.length() && i < MAX; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
    }
    if (text.length() > MAX) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
