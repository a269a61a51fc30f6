package io.fedge.agent.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ColumnTypePropertiesTest {

  @Property
  void everyLongReadsBackAsAnInt(@ForAll long v) {
    assertThat(ColumnType.INT.parse(Long.toString(v))).isEqualTo(v);
    assertThat(ColumnType.FLOAT.accepts(Long.toString(v))).isTrue();
  }

  @Property
  void everyFiniteDoubleReadsBackAsAFloat(@ForAll double v) {
    if (Double.isInfinite(v)) {
      return;
    }
    Object back = ColumnType.FLOAT.parse(Double.toString(v));
    assertThat(((Double) back).doubleValue()).isEqualTo(v);
  }

  @Property
  void everyInstantReadsBackAsATimestamp(@ForAll("instants") Instant t) {
    assertThat(ColumnType.TIMESTAMP.parse(t.toString())).isEqualTo(t.toString());
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
  }

  @Property
  void inferenceFindsTheNarrowestTypeThatHoldsEverySample(
      @ForAll @Size(min = 1, max = 40) List<Long> ints, @ForAll @Size(min = 1, max = 40) List<Boolean> bools) {
    List<String[]> rows = new ArrayList<>();
    int n = Math.max(ints.size(), bools.size());
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {
        i < ints.size() ? Long.toString(ints.get(i)) : "",
        i < bools.size() ? bools.get(i).toString() : "",
        i < ints.size() ? ints.get(i) + ".5" : "",
        "2026-01-" + String.format("%02d", 1 + i % 28),
        "id-" + i
      });
    }
    SchemaInference inf = new SchemaInference(List.of("i", "b", "f", "d", "s"));
    rows.forEach(inf::add);
    assertThat(inf.result().columns()).extracting(Column::type)
        .containsExactly(ColumnType.INT, ColumnType.BOOL, ColumnType.FLOAT, ColumnType.DATE, ColumnType.STRING);
  }

  @Test
  void identifiersWithLeadingZerosStayStrings() {
    SchemaInference inf = new SchemaInference(List.of("zip", "mixed", "empty", "ts"));
    inf.add(new String[] {"02134", "1", "", "2026-11-23T11:50:00Z"});
    inf.add(new String[] {"10001", "2.5", "", "2026-11-23 12:00:00"});
    assertThat(inf.result().columns()).extracting(Column::type)
        .containsExactly(ColumnType.STRING, ColumnType.FLOAT, ColumnType.STRING, ColumnType.TIMESTAMP);
  }

  @Test
  void wrongValuesAreRefusedWithTheExpectedType() {
    assertThatThrownBy(() -> ColumnType.INT.parse("12a")).hasMessage("'12a' is not an int");
    assertThatThrownBy(() -> ColumnType.INT.parse("99999999999999999999")).hasMessageContaining("out of the int range");
    assertThatThrownBy(() -> ColumnType.BOOL.parse("1")).hasMessage("'1' is not a bool");
    assertThatThrownBy(() -> ColumnType.DATE.parse("2026-02-30")).hasMessage("'2026-02-30' is not a date");
    assertThatThrownBy(() -> ColumnType.FLOAT.parse("1e999")).hasMessageContaining("out of the float range");
    assertThat(ColumnType.TIMESTAMP.parse("2026-11-23T13:50:00+02:00")).isEqualTo("2026-11-23T11:50:00Z");
  }

  @Test
  void datasetNamesComeFromTheFileNamePrefix() {
    assertThat(DatasetNames.fromFileName("customers.csv")).isEqualTo("customers");
    assertThat(DatasetNames.fromFileName("customers-2026-11.csv")).isEqualTo("customers");
    assertThat(DatasetNames.fromFileName("Customers-1.jsonl")).isEqualTo("customers");
    assertThat(DatasetNames.fromFileName("customer-orders.csv")).isEqualTo("customer_orders");
    assertThatThrownBy(() -> DatasetNames.fromFileName("2026-customers.csv")).isInstanceOf(DataException.class)
        .hasMessageContaining("rename the file");
  }
}
