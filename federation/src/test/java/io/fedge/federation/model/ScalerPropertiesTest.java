package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ScalerPropertiesTest {

  /** Moments survive their vector encoding (what goes through secure aggregation). */
  @Property(tries = 200)
  void momentsRoundTripThroughTheirVector(@ForAll @IntRange(min = 1, max = 200) int rows,
      @ForAll @IntRange(min = 1, max = 9) int cols, @ForAll long seed) {
    Scaler.Moments m = Scaler.Moments.of(GradientCheckTest.randomTable(rows, cols, 2, seed));
    assertThat(Scaler.Moments.fromVector(m.toVector())).isEqualTo(m);
  }

  /** However the rows are split among parties, the summed moments give the union's scaler. */
  @Property(tries = 200)
  void anySplitAmongPartiesGivesTheUnionsScaler(@ForAll @IntRange(min = 2, max = 300) int rows,
      @ForAll @IntRange(min = 1, max = 6) int parties, @ForAll long seed) {
    Table all = GradientCheckTest.randomTable(rows, 4, 2, seed);
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<List<Integer>> owner = new ArrayList<>();
    for (int k = 0; k < parties; k++) {
      owner.add(new ArrayList<>());
    }
    for (int i = 0; i < rows; i++) {
      owner.get(r.nextInt(parties)).add(i);
    }
    Scaler.Moments sum = null;
    for (List<Integer> rowsOfParty : owner) {
      if (rowsOfParty.isEmpty()) {
        continue;
      }
      Scaler.Moments m = Scaler.Moments.of(
          all.select(rowsOfParty.stream().mapToInt(Integer::intValue).toArray()));
      sum = sum == null ? m : sum.plus(m);
    }
    Scaler federated = Scaler.fromMoments(sum);
    Scaler central = Scaler.fit(all);
    for (int j = 0; j < 4; j++) {
      assertThat(federated.mean()[j]).isCloseTo(central.mean()[j], offset(1e-12));
      assertThat(federated.std()[j]).isCloseTo(central.std()[j], offset(1e-9));
    }
  }
}
