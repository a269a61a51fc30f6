package io.fedge.agent.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.data.csv.CsvWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any table of typed values, written as CSV and dropped, is stored value for value with the
 * inferred types; a row with a value of the wrong type planted in it is quarantined with its line,
 * and every other row still loads.
 */
class IngestRoundTripPropertiesTest {
  record Row(long i, double f, boolean b, LocalDate d, String s) {
    Object[] stored() {
      return new Object[] {i, f, b, d.toString(), s};
    }

    String[] csv() {
      return new String[] {Long.toString(i), Double.toString(f), Boolean.toString(b), d.toString(), s};
    }
  }

  @Provide
  Arbitrary<List<Row>> tables() {
    Arbitrary<Row> row = Combinators.combine(
        Arbitraries.longs(),
        Arbitraries.doubles().filter(Double::isFinite),
        Arbitraries.of(true, false),
        Arbitraries.integers().between(0, 20_000).map(n -> LocalDate.of(2000, 1, 1).plusDays(n)),
        Arbitraries.strings().withChars("xyz ,\"\né€").ofMinLength(1).ofMaxLength(10).map(s -> "s" + s))
        .as(Row::new);
    return row.list().ofMinSize(60).ofMaxSize(150);
  }

  @Property(tries = 25)
  void droppedTablesAreStoredExactlyAndAPlantedBadValueIsQuarantined(
      @ForAll("tables") List<Row> table, @ForAll("positions") int badAt) throws IOException {
    Path dir = Files.createTempDirectory("ingestprop");
    try (DataStore store = DataStore.open(dir.resolve("data.db"))) {
      int bad = badAt % table.size();
      Path drop = dir.resolve("drop");
      Files.createDirectories(drop);
      try (Writer w = Files.newBufferedWriter(drop.resolve("t.csv"), StandardCharsets.UTF_8)) {
        CsvWriter csv = new CsvWriter(w);
        csv.write("i", "f", "b", "d", "s");
        for (int r = 0; r < table.size(); r++) {
          String[] cells = table.get(r).csv();
          if (r == bad) {
            cells[0] = "not-an-int";
          }
          csv.write(cells);
        }
      }
      IngestSettings s = IngestSettings.defaults().withSettle(Duration.ZERO).withBatchRows(17);
      new DropFolder(drop, new FileIngest(store, new IngestMonitor(), s, Clock.systemUTC(), null), s, Clock.systemUTC())
          .scanOnce();

      DatasetInfo ds = store.dataset("t").orElseThrow();
      assertThat(ds.schema().toString()).isEqualTo("i:int, f:float, b:bool, d:date, s:string");
      List<Object[]> stored = new ArrayList<>();
      store.scan("t", List.of("i", "f", "b", "d", "s"), r -> stored.add(r.clone()));
      List<Object[]> expected = new ArrayList<>();
      for (int r = 0; r < table.size(); r++) {
        if (r != bad) {
          expected.add(table.get(r).stored());
        }
      }
      assertThat(stored).hasSameSizeAs(expected);
      for (int r = 0; r < expected.size(); r++) {
        assertThat(Arrays.asList(stored.get(r))).isEqualTo(Arrays.asList(expected.get(r)));
      }
      List<QuarantinedRow> q = store.quarantine("t", 0, 10);
      assertThat(q).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("column 'i': 'not-an-int' is not an int"));
      // the physical line of the bad record: header, then one line per row plus the line breaks inside quoted strings
      long line = 2;
      for (int r = 0; r < bad; r++) {
        line += 1 + table.get(r).s().chars().filter(c -> c == '\n').count();
      }
      assertThat(q.get(0).line()).isEqualTo(line);
    } finally {
      try (Stream<Path> w = Files.walk(dir)) {
        w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }
}
