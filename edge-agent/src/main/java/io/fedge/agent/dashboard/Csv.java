package io.fedge.agent.dashboard;

import java.util.List;

/**
 * RFC 4180 CSV for downloads the dealer opens in a spreadsheet. Fields are always quoted; a field
 * that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading
 * apostrophe, because quarantined rows are untrusted input (OWASP "CSV injection").
 */
final class Csv {
  private Csv() {}

  static String row(List<String> fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      field(sb, fields.get(i));
    }
    return sb.append("\r\n").toString();
  }

  private static void field(StringBuilder sb, String v) {
    String s = v == null ? "" : v;
    if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    sb.append('"').append(s.replace("\"", "\"\"")).append('"');
  }
}
