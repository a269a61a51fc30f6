package io.fedge.federation.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a numeric CSV file (comma separated, a header line, no quoting) into a {@link Table}: the
 * label column becomes {@code y}, an optional id column is dropped, every other column is a
 * feature. This is the layout of the FATE example data ({@code id,y,x0,x1,...}). Error messages
 * name the line and column but never echo cell contents.
 */
public final class TableCsv {
  private TableCsv() {}

  /** Reads {@code file}; {@code idColumn} may be null when the file has none. */
  public static Table read(Path file, String labelColumn, String idColumn) throws IOException {
    return read(file, labelColumn, idColumn, null);
  }

  /**
   * Reads only the feature columns named in {@code features}, in that order (e.g. the columns a
   * job may read under the participant's consent); other columns are ignored. {@code null}
   * means every column except label and id.
   */
  public static Table read(Path file, String labelColumn, String idColumn, List<String> features)
      throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, labelColumn, idColumn, features, file.toString());
    }
  }

  /** Reads from {@code in}; {@code source} names the input in error messages. */
  public static Table read(Reader in, String labelColumn, String idColumn, String source)
      throws IOException {
    return read(in, labelColumn, idColumn, null, source);
  }

  /** Reads the given {@code features} (null: all) from {@code in}. */
  public static Table read(Reader in, String labelColumn, String idColumn, List<String> features,
      String source) throws IOException {
    BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
    String header = r.readLine();
    if (header == null) {
      throw new IOException(source + ": empty file, expected a header line");
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    String[] names = header.split(",", -1);
    int label = -1;
    int id = -1;
    List<String> all = new ArrayList<>();
    List<Integer> allAt = new ArrayList<>();
    for (int c = 0; c < names.length; c++) {
      names[c] = names[c].trim();
      if (names[c].equals(labelColumn)) {
        label = c;
      } else if (names[c].equals(idColumn)) {
        id = c;
      } else {
        all.add(names[c]);
        allAt.add(c);
      }
    }
    List<String> chosen = features == null ? all : List.copyOf(features);
    if (chosen.isEmpty()) {
      throw new IOException(source + ": no feature columns selected");
    }
    // target[c] = position of column c among the chosen features, or -1 to skip it
    int[] target = new int[names.length];
    Arrays.fill(target, -1);
    for (int k = 0; k < chosen.size(); k++) {
      int at = all.indexOf(chosen.get(k));
      if (at < 0) {
        throw new IOException(source + ": no feature column '" + chosen.get(k) + "' in header "
            + Arrays.toString(names));
      }
      if (target[allAt.get(at)] >= 0) {
        throw new IOException(source + ": feature column '" + chosen.get(k) + "' listed twice");
      }
      target[allAt.get(at)] = k;
    }
    if (label < 0) {
      throw new IOException(source + ": no label column '" + labelColumn + "' in header "
          + Arrays.toString(names));
    }
    if (idColumn != null && id < 0) {
      throw new IOException(source + ": no id column '" + idColumn + "' in header "
          + Arrays.toString(names));
    }
    int d = chosen.size();
    double[] x = new double[1024 * Math.max(1, d)];
    double[] y = new double[1024];
    int rows = 0;
    String line;
    int lineNo = 1;
    while ((line = r.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != names.length) {
        throw new IOException(source + " line " + lineNo + ": " + cells.length
            + " cells, header has " + names.length);
      }
      if (rows == y.length) {
        y = Arrays.copyOf(y, rows * 2);
        x = Arrays.copyOf(x, rows * 2 * d);
      }
      int at = rows * d;
      for (int c = 0; c < cells.length; c++) {
        if (c != label && target[c] < 0) {
          continue;
        }
        double v;
        try {
          v = Double.parseDouble(cells[c].trim());
        } catch (NumberFormatException e) {
          // the cell itself is not echoed: it may be customer data
          throw new IOException(source + " line " + lineNo + ", column " + names[c]
              + ": not a number (" + cells[c].length() + " characters)");
        }
        if (c == label) {
          y[rows] = v;
        } else {
          x[at + target[c]] = v;
        }
      }
      rows++;
    }
    try {
      return new Table(rows, d, Arrays.copyOf(x, rows * d), Arrays.copyOf(y, rows), chosen);
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": " + e.getMessage(), e);
    }
  }
}
