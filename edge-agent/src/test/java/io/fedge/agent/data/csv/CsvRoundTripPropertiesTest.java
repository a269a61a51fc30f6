package io.fedge.agent.data.csv;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.data.TextRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever table the writer writes, the reader reads back exactly, from the start or from any resume point. */
class CsvRoundTripPropertiesTest {

  @Provide
  Arbitrary<List<List<String>>> tables() {
    Arbitrary<String> cell =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("ab,\"\r\n xé€").ofMaxLength(12).map(x -> x.replace("x", "😀")),
            Arbitraries.strings().all().ofMaxLength(8).filter(CsvRoundTripPropertiesTest::validUnicode),
            Arbitraries.strings().withChars("q\"\n,").ofMinLength(60_000).ofMaxLength(70_000).injectDuplicates(0.0));
    Arbitrary<String> small = Arbitraries.strings().withChars("ab,\"\r\n xé€").ofMaxLength(12).map(x -> x.replace("x", "😀"));
    return Arbitraries.integers().between(1, 6).flatMap(cols ->
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, small),
                net.jqwik.api.Tuple.of(4, cell))
            .list().ofSize(cols).list().ofMinSize(0).ofMaxSize(25));
  }

  private static boolean validUnicode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] write(List<List<String>> table, boolean bom) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (bom) {
      b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    OutputStreamWriter w = new OutputStreamWriter(b, StandardCharsets.UTF_8);
    CsvWriter csv = new CsvWriter(w);
    for (List<String> row : table) {
      csv.write(row.toArray(new String[0]));
    }
    csv.flush();
    return b.toByteArray();
  }

  @Property(tries = 200)
  void writtenTablesReadBackExactly(@ForAll("tables") List<List<String>> table, @ForAll boolean bom) throws IOException {
    byte[] bytes = write(table, bom);
    List<List<String>> back = new ArrayList<>();
    try (CsvReader r = CsvReader.of(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)))) {
      TextRecord t;
      while ((t = r.next()) != null) {
        assertThat(t.error()).isNull();
        back.add(List.of(t.values()));
      }
    }
    assertThat(back).isEqualTo(table);
  }

  @Property(tries = 100)
  void resumingAtAnyRecordBoundaryReadsTheSameRest(
      @ForAll("tables") List<List<String>> table, @ForAll("cuts") int cut) throws IOException {
    Path f = Files.createTempFile("csvprop", ".csv");
    try {
      Files.write(f, write(table, true));
      List<TextRecord> all = new ArrayList<>();
      long[] pos = new long[table.size() + 1];
      long[] line = new long[table.size() + 1];
      try (CsvReader r = CsvReader.open(f)) {
        pos[0] = r.position();
        line[0] = r.nextLine();
        TextRecord t;
        while ((t = r.next()) != null) {
          all.add(t);
          pos[all.size()] = r.position();
          line[all.size()] = r.nextLine();
        }
      }
      int k = table.isEmpty() ? 0 : cut % (table.size() + 1);
      List<TextRecord> rest = new ArrayList<>();
      try (CsvReader r = CsvReader.open(f, pos[k], line[k], 1 << 20, 4 << 20, 1001)) {
        TextRecord t;
        while ((t = r.next()) != null) {
          rest.add(t);
        }
      }
      assertThat(rest).hasSize(all.size() - k);
      for (int i = 0; i < rest.size(); i++) {
        assertThat(rest.get(i).line()).isEqualTo(all.get(k + i).line());
        assertThat(rest.get(i).values()).containsExactly(all.get(k + i).values());
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @Provide
  Arbitrary<Integer> cuts() {
    return Arbitraries.integers().between(0, 1000);
  }

  @Property(tries = 300)
  void anyCorruptionOfOneByteNeverThrowsAndKeepsRecordCountBounded(
      @ForAll("tables") List<List<String>> table, @ForAll("cuts") int where, @ForAll byte replacement) throws IOException {
    byte[] bytes = write(table, false);
    if (bytes.length == 0) {
      return;
    }
    bytes[where % bytes.length] = replacement;
    int n = 0;
    try (CsvReader r = CsvReader.of(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)))) {
      while (r.next() != null) {
        n++;
      }
    }
    long lineBreaks = 0;
    for (byte b : bytes) {
      if (b == '\n' || b == '\r') {
        lineBreaks++;
      }
    }
    assertThat(n).isLessThanOrEqualTo((int) lineBreaks + 1);
  }

}
