package io.fedge.agent.data;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Dataset names: 1 to 63 characters, lower-case letters, digits and {@code _}, starting with a
 * letter. A drop file's dataset is its name without the extension, cut before the first {@code -}
 * that is followed by a digit (a date or sequence suffix), lower-cased, other {@code -}, spaces
 * and dots turned into {@code _}: {@code customers.csv}, {@code customers-2026-11.csv} and {@code
 * Customers-1.jsonl} all feed {@code customers}; {@code customer-orders.csv} feeds {@code
 * customer_orders}.
 */
public final class DatasetNames {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private DatasetNames() {}

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public static String check(String name) {
    if (!isValid(name)) {
      throw new DataException(
          "'" + name + "' is not a valid dataset name: use 1-63 lower-case letters, digits or '_', starting with a letter");
    }
    return name;
  }

  /** The dataset a drop file feeds; throws DataException when no valid name results. */
  public static String fromFileName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String base = dot > 0 ? fileName.substring(0, dot) : fileName;
    for (int i = 0; i + 1 < base.length(); i++) {
      if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
        base = base.substring(0, i);
        break;
      }
    }
    String n = base.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_').replace('.', '_');
    if (!isValid(n)) {
      throw new DataException(
          "file name '" + fileName + "' does not start with a dataset name (a letter, then letters, digits, '_' or '-',"
              + " e.g. customers.csv or customers-2026-11.csv); rename the file");
    }
    return n;
  }
}
