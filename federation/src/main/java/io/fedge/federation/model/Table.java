package io.fedge.federation.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A dense numeric data set held in primitive arrays: {@code rows} examples of {@code cols}
 * features, row-major in {@code x} (feature j of row i is {@code x[i * cols + j]}), and one label
 * per row in {@code y}: 0 or 1 for binary tasks, the class index 0..K-1 for multi-class tasks.
 *
 * <p>The record does not copy its arrays (tables are large and passed around a lot); callers must
 * not modify them after construction. All values must be finite.
 *
 * @param rows number of examples, at least 0
 * @param cols number of features, at least 1
 * @param x features, row-major, length {@code rows * cols}
 * @param y labels, length {@code rows}; whole numbers &ge; 0
 * @param columns feature names, {@code cols} of them (the label column is not among them)
 */
public record Table(int rows, int cols, double[] x, double[] y, List<String> columns) {

  public Table {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(columns, "columns");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (cols < 1) {
      throw new IllegalArgumentException("a table needs at least one feature column, got " + cols);
    }
    if ((long) rows * cols != x.length) {
      throw new IllegalArgumentException(
          "x has " + x.length + " values but rows * cols = " + rows + " * " + cols);
    }
    if (y.length != rows) {
      throw new IllegalArgumentException("y has " + y.length + " labels for " + rows + " rows");
    }
    if (columns.size() != cols) {
      throw new IllegalArgumentException(
          columns.size() + " column names for " + cols + " feature columns");
    }
    columns = List.copyOf(columns);
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException(
            "feature " + columns.get(i % cols) + " of row " + (i / cols) + " is " + x[i]
                + "; impute or drop missing values before training");
      }
    }
    for (int i = 0; i < rows; i++) {
      double v = y[i];
      if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "label of row " + i + " is " + v + "; labels must be 0/1 or a class index 0..K-1");
      }
    }
  }

  /** Feature {@code col} of row {@code row}. */
  public double get(int row, int col) {
    return x[row * cols + col];
  }

  /** Number of classes the labels imply: the largest label plus one (at least 2). */
  public int labelClasses() {
    double max = 1;
    for (double v : y) {
      max = Math.max(max, v);
    }
    return (int) max + 1;
  }

  /** A new table holding the given rows, in the given order (indices may repeat). */
  public Table select(int[] rowIndex) {
    double[] nx = new double[rowIndex.length * cols];
    double[] ny = new double[rowIndex.length];
    for (int k = 0; k < rowIndex.length; k++) {
      int r = rowIndex[k];
      if (r < 0 || r >= rows) {
        throw new IndexOutOfBoundsException("row " + r + " of " + rows);
      }
      System.arraycopy(x, r * cols, nx, k * cols, cols);
      ny[k] = y[r];
    }
    return new Table(rowIndex.length, cols, nx, ny, columns);
  }

  /** The rows of all tables one after the other; all must have the same columns. */
  public static Table concat(List<Table> tables) {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate");
    }
    Table first = tables.get(0);
    int total = 0;
    for (Table t : tables) {
      if (!t.columns.equals(first.columns)) {
        throw new IllegalArgumentException(
            "column mismatch: " + t.columns + " vs " + first.columns);
      }
      total += t.rows;
    }
    double[] nx = new double[total * first.cols];
    double[] ny = new double[total];
    int at = 0;
    for (Table t : tables) {
      System.arraycopy(t.x, 0, nx, at * first.cols, t.x.length);
      System.arraycopy(t.y, 0, ny, at, t.rows);
      at += t.rows;
    }
    return new Table(total, first.cols, nx, ny, first.columns);
  }

  /**
   * Shuffles the rows with {@code seed} and puts the first {@code round(testFraction * rows)} into
   * the test part. The same seed always gives the same split.
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
    }
    int[] perm = permutation(rows, seed);
    int nTest = (int) Math.round(testFraction * rows);
    return new Split(
        select(Arrays.copyOfRange(perm, nTest, rows)), select(Arrays.copyOfRange(perm, 0, nTest)));
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates with a {@link SplittableRandom}). */
  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    shuffle(p, new SplittableRandom(seed));
    return p;
  }

  static void shuffle(int[] p, SplittableRandom rnd) {
    for (int i = p.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }

  /** A train/test split of one table. */
  public record Split(Table train, Table test) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof Table t
        && rows == t.rows
        && cols == t.cols
        && Arrays.equals(x, t.x)
        && Arrays.equals(y, t.y)
        && columns.equals(t.columns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, cols, Arrays.hashCode(x), Arrays.hashCode(y), columns);
  }

  @Override
  public String toString() {
    return "Table[" + rows + " rows x " + cols + " features " + columns + "]";
  }
}
