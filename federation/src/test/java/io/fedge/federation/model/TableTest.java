package io.fedge.federation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void rejectsInconsistentShapesAndNonFiniteValues() {
    List<String> cols = List.of("a", "b");
    assertThatThrownBy(() -> new Table(2, 2, new double[3], new double[2], cols))
        .hasMessageContaining("rows * cols");
    assertThatThrownBy(() -> new Table(2, 2, new double[4], new double[1], cols))
        .hasMessageContaining("labels for 2 rows");
    assertThatThrownBy(() -> new Table(1, 2, new double[] {1, Double.NaN}, new double[1], cols))
        .hasMessageContaining("feature b of row 0");
    assertThatThrownBy(() -> new Table(1, 2, new double[2], new double[] {0.5}, cols))
        .hasMessageContaining("class index");
    assertThatThrownBy(() -> new Table(1, 2, new double[2], new double[] {-1}, cols))
        .hasMessageContaining("class index");
  }

  @Test
  void readsTheFateBreastGuestFileWithoutIdAndLabelAmongTheFeatures() {
    Table t = FateData.read("breast_homo_guest.csv");
    assertThat(t.rows()).isEqualTo(227);
    assertThat(t.cols()).isEqualTo(30);
    assertThat(t.columns()).startsWith("x0", "x1").doesNotContain("id", "y");
    assertThat(t.get(0, 0)).isEqualTo(0.254879);
    assertThat(t.y()[0]).isEqualTo(1);
    assertThat(t.labelClasses()).isEqualTo(2);
  }

  @Test
  void readsOnlyTheConsentedColumnsInTheGivenOrder() throws IOException {
    String csv = "id,a,y,b,c\n1,1.5,0,2.5,3.5\n2,4,1,5,6\n";
    Table t = TableCsv.read(new StringReader(csv), "y", "id", List.of("c", "a"), "mem");
    assertThat(t.columns()).containsExactly("c", "a");
    assertThat(t.x()).containsExactly(3.5, 1.5, 6, 4);
    assertThat(t.y()).containsExactly(0, 1);
    assertThatThrownBy(() -> TableCsv.read(new StringReader(csv), "y", "id", List.of("z"), "mem"))
        .hasMessageContaining("no feature column 'z'");
    // a column outside the selection may hold anything: it is never parsed
    String messy = "id,y,a,secret\n1,0,1.0,not-a-number\n";
    assertThat(TableCsv.read(new StringReader(messy), "y", "id", List.of("a"), "mem").x())
        .containsExactly(1.0);
  }

  @Test
  void csvErrorsNameTheLineAndColumn() {
    String csv = "id,y,a\n1,0,2.5\n2,1,oops\n";
    assertThatThrownBy(() -> TableCsv.read(new StringReader(csv), "y", "id", "mem"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("column a");
    assertThatThrownBy(() -> TableCsv.read(new StringReader(csv), "label", "id", "mem"))
        .hasMessageContaining("no label column 'label'");
  }

  @Test
  void splitIsDeterministicDisjointAndComplete() {
    Table t = GradientCheckTest.randomTable(101, 3, 2, 5);
    Table.Split a = t.split(0.25, 9);
    Table.Split b = t.split(0.25, 9);
    assertThat(a).isEqualTo(b);
    assertThat(a.test().rows()).isEqualTo(25);
    assertThat(a.train().rows()).isEqualTo(76);
    Set<Double> seen = new HashSet<>();
    for (Table part : List.of(a.train(), a.test())) {
      for (int r = 0; r < part.rows(); r++) {
        seen.add(part.get(r, 0));
      }
    }
    assertThat(seen).hasSize(101);
    assertThat(t.split(0.25, 10)).isNotEqualTo(a);
  }

  @Test
  void scalerFromSummedMomentsOfPartiesEqualsScalerFitOnTheUnion() {
    Table g = FateData.read("default_credit_homo_guest.csv");
    Table h1 = FateData.read("default_credit_homo_host_1.csv");
    Table h2 = FateData.read("default_credit_homo_host_2.csv");
    Scaler central = Scaler.fit(Table.concat(List.of(g, h1, h2)));
    Scaler.Moments sum =
        Scaler.Moments.fromVector(sumOf(Scaler.Moments.of(g).toVector(),
            Scaler.Moments.of(h1).toVector(), Scaler.Moments.of(h2).toVector()));
    Scaler federated = Scaler.fromMoments(sum);
    for (int j = 0; j < g.cols(); j++) {
      assertThat(federated.mean()[j]).isCloseTo(central.mean()[j], offset(1e-12));
      assertThat(federated.std()[j]).isCloseTo(central.std()[j], offset(1e-9));
    }
    Table z = federated.transform(Table.concat(List.of(g, h1, h2)));
    Scaler.Moments m = Scaler.Moments.of(z);
    assertThat(m.sum()[3] / m.count()).isCloseTo(0, offset(1e-9));
    assertThat(m.sumSquares()[3] / m.count()).isCloseTo(1, offset(1e-9));
  }

  @Test
  void constantFeatureIsOnlyCentred() {
    Table t = new Table(3, 1, new double[] {2, 2, 2}, new double[] {0, 1, 0}, List.of("c"));
    Scaler s = Scaler.fit(t);
    assertThat(s.std()).containsExactly(1.0);
    assertThat(s.transform(t).x()).containsExactly(0, 0, 0);
  }

  private static double[] sumOf(double[]... vs) {
    double[] out = new double[vs[0].length];
    for (double[] v : vs) {
      for (int i = 0; i < v.length; i++) {
        out[i] += v[i];
      }
    }
    return Arrays.copyOf(out, out.length);
  }
}
