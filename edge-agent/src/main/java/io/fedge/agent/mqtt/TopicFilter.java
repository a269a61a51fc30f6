package io.fedge.agent.mqtt;

/** MQTT topic filter matching ({@code +}, {@code #}, shared subscriptions), per MQTT 5 §4.7. */
final class TopicFilter {
  private TopicFilter() {}

  static boolean matches(String filter, String topic) {
    if (filter.startsWith("$share/")) {
      int slash = filter.indexOf('/', "$share/".length());
      if (slash < 0) {
        return false;
      }
      filter = filter.substring(slash + 1);
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    // Wildcards at the first level do not match topics starting with '$' (§4.7.2).
    if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
      return false;
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
