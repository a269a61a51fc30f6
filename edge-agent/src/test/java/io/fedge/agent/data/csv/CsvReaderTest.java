package io.fedge.agent.data.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.agent.data.DataException;
import io.fedge.agent.data.TextRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private Path file(byte[] content) throws IOException {
    Path p = dir.resolve("t.csv");
    Files.write(p, content);
    return p;
  }

  private Path file(String content) throws IOException {
    return file(content.getBytes(StandardCharsets.UTF_8));
  }

  private static List<TextRecord> all(CsvReader r) throws IOException {
    List<TextRecord> out = new ArrayList<>();
    TextRecord t;
    while ((t = r.next()) != null) {
      out.add(t);
    }
    return out;
  }

  @Test
  void quotedFieldsHoldCommasDoubledQuotesAndLineBreaks() throws IOException {
    try (CsvReader r = CsvReader.open(file("a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\"\"\r\n"))) {
      List<TextRecord> recs = all(r);
      assertThat(recs).hasSize(3);
      assertThat(recs.get(1).values()).containsExactly("x, y", "he said \"hi\"", "two\r\nlines");
      assertThat(recs.get(1).line()).isEqualTo(2);
      assertThat(recs.get(2).line()).as("the quoted line break counts as a line").isEqualTo(4);
      assertThat(recs.get(2).values()).containsExactly("last", "", "");
      assertThat(recs).allMatch(TextRecord::ok);
    }
  }

  @Test
  void lfCrAndBlankLinesAreHandled() throws IOException {
    try (CsvReader r = CsvReader.open(file("a\n1\r2\r\n\n\n3"))) {
      List<TextRecord> recs = all(r);
      assertThat(recs).extracting(t -> t.values()[0]).containsExactly("a", "1", "2", "3");
      assertThat(recs).extracting(TextRecord::line).containsExactly(1L, 2L, 3L, 6L);
    }
  }

  @Test
  void utf8ByteOrderMarkIsSkipped() throws IOException {
    byte[] body = "név,ár\nÉva,3\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    b.write(body);
    try (CsvReader r = CsvReader.open(file(b.toByteArray()))) {
      assertThat(r.next().values()).containsExactly("név", "ár");
      assertThat(r.next().values()).containsExactly("Éva", "3");
    }
  }

  @Test
  void utf16FileIsRefusedAsAWhole() throws IOException {
    byte[] b = "\uFEFFa,b\n".getBytes(StandardCharsets.UTF_16LE);
    assertThatThrownBy(() -> CsvReader.open(file(b))).isInstanceOf(DataException.class).hasMessageContaining("UTF-16");
  }

  @Test
  void invalidUtf8SpoilsOnlyItsOwnRecord() throws IOException {
    byte[] latin1 = "a,b\nJos\u00e9,1\nAnna,2\n".getBytes(StandardCharsets.ISO_8859_1);
    try (CsvReader r = CsvReader.open(file(latin1))) {
      r.next();
      TextRecord bad = r.next();
      assertThat(bad.ok()).isFalse();
      assertThat(bad.error()).contains("field 1").contains("not valid UTF-8");
      assertThat(bad.line()).isEqualTo(2);
      TextRecord good = r.next();
      assertThat(good.ok()).isTrue();
      assertThat(good.values()).containsExactly("Anna", "2");
    }
  }

  @Test
  void nulBytesPointToAWrongEncoding() throws IOException {
    try (CsvReader r = CsvReader.open(file("a\nx\0y\n"))) {
      r.next();
      assertThat(r.next().error()).contains("NUL");
    }
  }

  @Test
  void quoteInsideAnUnquotedFieldIsAnErrorOfThatRecord() throws IOException {
    try (CsvReader r = CsvReader.open(file("a,b\n1,ab\"c\n2,ok\n"))) {
      r.next();
      assertThat(r.next().error()).contains("quote inside an unquoted field");
      assertThat(r.next().values()).containsExactly("2", "ok");
    }
  }

  @Test
  void characterAfterClosingQuoteIsAnError() throws IOException {
    try (CsvReader r = CsvReader.open(file("a,b\n\"x\"y,1\n2,3\n"))) {
      r.next();
      assertThat(r.next().error()).contains("after the closing quote");
      assertThat(r.next().ok()).isTrue();
    }
  }

  @Test
  void quoteLeftOpenAtTheEndOfTheFileIsReportedWithItsLine() throws IOException {
    try (CsvReader r = CsvReader.open(file("a,b\n1,2\n3,\"open\n4,5\n"))) {
      r.next();
      assertThat(r.next().ok()).isTrue();
      TextRecord bad = r.next();
      assertThat(bad.error()).contains("opened on line 3").contains("not closed");
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void hugeFieldIsRefusedWithoutBeingKeptAndTheNextRecordReads() throws IOException {
    String huge = "x".repeat(300_000);
    Path p = file("a,b\n1," + huge + "\n2,\"" + huge + "\"\n3,ok\n");
    try (CsvReader r = CsvReader.open(p, 0, 1, 100_000, 400_000, 10)) {
      r.next();
      TextRecord t1 = r.next();
      assertThat(t1.error()).contains("field 2 is longer than 100000 bytes");
      assertThat(t1.values()[1]).hasSize(100_000);
      assertThat(r.next().error()).contains("longer than");
      assertThat(r.next().values()).containsExactly("3", "ok");
    }
  }

  @Test
  void recordWithTooManyFieldsIsAnError() throws IOException {
    try (CsvReader r = CsvReader.open(file("a\n" + ",".repeat(50) + "\nz\n"), 0, 1, 1000, 10_000, 20)) {
      r.next();
      TextRecord t = r.next();
      assertThat(t.error()).contains("51 fields");
      assertThat(t.values()).hasSize(20);
      assertThat(r.next().values()).containsExactly("z");
    }
  }

  @Test
  void emptyFileHasNoRecords() throws IOException {
    try (CsvReader r = CsvReader.open(file(""))) {
      assertThat(r.next()).isNull();
    }
    try (CsvReader r = CsvReader.open(file(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}))) {
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void readerOpenedAtAReportedPositionContinuesExactlyThere() throws IOException {
    Path p = file("\uFEFFa,b\n1,\"x\ny\"\n2,z\r\n3,w");
    long pos;
    long line;
    try (CsvReader r = CsvReader.open(p)) {
      r.next();
      r.next();
      pos = r.position();
      line = r.nextLine();
    }
    try (CsvReader r = CsvReader.open(p, pos, line, 1000, 1000, 10)) {
      List<TextRecord> rest = all(r);
      assertThat(rest).extracting(t -> t.values()[0]).containsExactly("2", "3");
      assertThat(rest).extracting(TextRecord::line).containsExactly(4L, 5L);
    }
  }
}
