package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class CoordinateMedianTest {

  /** The blocked quickselect median equals the median of each sorted column. */
  @Property(tries = 200)
  void blockedSelectionEqualsSortingEachColumn(
      @ForAll @IntRange(min = 1, max = 12) int count,
      @ForAll @IntRange(min = 1, max = 1300) int p,
      @ForAll long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[][] rows = new double[count + 1][];
    for (int k = 0; k < rows.length; k++) {
      if (k == count / 2) {
        continue; // a null row (a rejected update) is skipped
      }
      rows[k] = new double[p];
      for (int i = 0; i < p; i++) {
        rows[k][i] = r.nextInt(5) == 0 ? 1.0 : Math.round(r.nextGaussian() * 4) / 4.0; // ties
      }
    }
    double[] got = AnomalyDetector.coordinateMedian(rows, count, p);
    for (int i = 0; i < p; i++) {
      double[] col = new double[count];
      int j = 0;
      for (double[] row : rows) {
        if (row != null) {
          col[j++] = row[i];
        }
      }
      Arrays.sort(col);
      double expected = count % 2 == 1 ? col[count / 2]
          : 0.5 * (col[count / 2 - 1] + col[count / 2]);
      assertThat(got[i]).as("coordinate %d", i).isEqualTo(expected);
    }
  }
}
