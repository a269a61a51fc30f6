package io.fedge.agent.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.agent.data.csv.CsvReader;
import io.fedge.agent.data.csv.CsvWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropFolderTest {
  @TempDir Path dir;
  private DataStore store;
  private final IngestMonitor monitor = new IngestMonitor();
  private final List<IngestProgress> updates = new ArrayList<>();

  private DropFolder folder(IngestSettings settings, FileIngest.BatchHook hook) {
    if (store == null) {
      store = DataStore.open(dir.resolve("state/data.db"));
    }
    monitor.subscribe(updates::add);
    Clock clock = Clock.systemUTC();
    return new DropFolder(dir.resolve("dropbox"), new FileIngest(store, monitor, settings, clock, hook), settings, clock);
  }

  private DropFolder folder() {
    return folder(IngestSettings.defaults().withSettle(Duration.ZERO), null);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private void drop(String name, String content) throws IOException {
    drop(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private void drop(String name, byte[] content) throws IOException {
    Files.createDirectories(dir.resolve("dropbox"));
    Files.write(dir.resolve("dropbox").resolve(name), content);
  }

  private long count(String sql) {
    return store.read(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void goodRowsLoadAndBadRowsAreQuarantinedWithLineAndReason() throws IOException {
    byte[] latin1 = "6,Jos\u00e9,true,2026-01-06\n".getBytes(StandardCharsets.ISO_8859_1);
    String head = "id,name,vip,since\n1,Ann,true,2026-01-01\n2,\"Bob, Jr.\",false,2026-01-02\n3,Cy,maybe,2026-01-03\n"
        + "4,Di,true\n5,\"multi\nline\",false,2026-01-05\n";
    StringBuilder more = new StringBuilder("7,Ed\"x,true,2026-01-07\n8,Flo,,\n");
    for (int i = 9; i < 69; i++) {
      more.append(i).append(",P").append(i).append(",false,2026-02-01\n");
    }
    byte[] tail = more.toString().getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(head.getBytes(StandardCharsets.UTF_8));
    b.write(latin1);
    b.write(tail);
    drop("customers-2026-11.csv", b.toByteArray());

    assertThat(folder().scanOnce()).isEqualTo(1);

    DatasetInfo ds = store.dataset("customers").orElseThrow();
    assertThat(ds.schema().toString()).isEqualTo("id:int, name:string, vip:bool, since:date");
    assertThat(ds.rowCount()).isEqualTo(64);
    assertThat(ds.quarantineCount()).isEqualTo(4);
    assertThat(ds.contentHash()).isNotEqualTo(HashChain.EMPTY);
    List<QuarantinedRow> q = store.quarantine("customers", 0, 100);
    assertThat(q).extracting(QuarantinedRow::line).containsExactly(4L, 5L, 8L, 9L);
    assertThat(q.get(0).reason()).isEqualTo("column 'vip': 'maybe' is not a bool");
    assertThat(q.get(1).reason()).isEqualTo("the row has 3 fields, the header has 4");
    assertThat(q.get(2).reason()).contains("not valid UTF-8");
    assertThat(q.get(3).reason()).contains("quote inside an unquoted field");
    assertThat(q).allMatch(r -> r.origin().equals("customers-2026-11.csv"));
    assertThat(store.recentRows("customers", 64)).extracting(r -> r.get("name"))
        .endsWith("Flo", "multi\nline", "Bob, Jr.", "Ann");
    assertThat(Files.exists(dir.resolve("dropbox/processed/customers-2026-11.csv"))).isTrue();
    assertThat(updates).extracting(IngestProgress::state).contains(IngestProgress.State.RUNNING, IngestProgress.State.DONE);
    assertThat(updates.get(updates.size() - 1).percent()).isEqualTo(100.0);
  }

  @Test
  void laterFilesAreCheckedAgainstTheSchemaOfTheFirst() throws IOException {
    DropFolder f = folder();
    drop("sales.csv", "amount,day\n10,2026-01-01\n");
    f.scanOnce();
    drop("sales-2.csv", "day,amount\n2026-01-02,11\n2026-01-03,1.5\n");
    f.scanOnce();
    drop("sales-3.csv", "amount,region\n12,north\n");
    f.scanOnce();

    DatasetInfo ds = store.dataset("sales").orElseThrow();
    assertThat(ds.rowCount()).as("columns may come in another order").isEqualTo(2);
    assertThat(store.quarantine("sales", 0, 10)).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("column 'amount': '1.5' is not an int"));
    Path failed = dir.resolve("dropbox/failed/sales-3.csv.error.txt");
    assertThat(Files.readString(failed)).contains("missing [day]").contains("unexpected [region]");
  }

  @Test
  void theSameContentDroppedTwiceIsLoadedOnce() throws IOException {
    DropFolder f = folder();
    drop("t.csv", "a\n1\n2\n");
    f.scanOnce();
    drop("t.csv", "a\n1\n2\n");
    f.scanOnce();
    assertThat(store.dataset("t").orElseThrow().rowCount()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("dropbox/processed/t~2.csv"))).isTrue();
    assertThat(updates).extracting(IngestProgress::state).contains(IngestProgress.State.DUPLICATE);
  }

  @Test
  void aCrashBetweenBatchesResumesWithoutDuplicatesOrGaps() throws IOException {
    StringBuilder csv = new StringBuilder("n,label\n");
    for (int i = 0; i < 2500; i++) {
      csv.append(i).append(',').append(i % 7 == 0 ? "\"q,\n" + i + "\"" : "x" + i).append('\n');
      if (i % 500 == 3) {
        csv.append(i).append(",bad,extra\n");
      }
    }
    drop("big.csv", csv.toString());
    IngestSettings small = IngestSettings.defaults().withSettle(Duration.ZERO).withBatchRows(300);
    DropFolder crashing = folder(small, (sha, n) -> {
      if (n == 4) {
        throw new IllegalStateException("simulated crash after batch 4");
      }
    });
    crashing.scanOnce();
    assertThat(Files.exists(dir.resolve("dropbox/processing/big.csv"))).isTrue();
    assertThat(store.dataset("big").orElseThrow().rowCount() + store.dataset("big").orElseThrow().quarantineCount())
        .isEqualTo(1200);
    store.close();
    store = DataStore.open(dir.resolve("state/data.db"));

    folder(small, null).scanOnce();

    DatasetInfo ds = store.dataset("big").orElseThrow();
    assertThat(ds.rowCount()).isEqualTo(2500);
    assertThat(ds.quarantineCount()).isEqualTo(5);
    assertThat(count("SELECT COUNT(DISTINCT n) FROM ds_big")).isEqualTo(2500);
    assertThat(count("SELECT COUNT(DISTINCT line) FROM quarantine")).isEqualTo(5);
    Set<Long> ns = new HashSet<>();
    store.scan("big", List.of("n"), row -> ns.add((Long) row[0]));
    assertThat(ns).hasSize(2500).contains(0L, 2499L);
    assertThat(Files.exists(dir.resolve("dropbox/processed/big.csv"))).isTrue();
  }

  @Test
  void jsonLinesAreTypedLikeCsvAndUnknownKeysAreQuarantined() throws IOException {
    drop("events.jsonl", "{\"id\":1,\"kind\":\"open\",\"ok\":true,\"at\":\"2026-11-23T10:00:00Z\",\"tags\":[1,2]}\n"
        + "\n{\"id\":2,\"kind\":null,\"ok\":false,\"at\":\"2026-11-23T10:01:00Z\"}\r\n"
        + "{\"id\":\"x3\",\"kind\":\"a\"}\n"
        + "{\"id\":4,\"extra\":1}\n"
        + "not json\n"
        + "[1,2]\n"
        + "{\"id\":5,\"kind\":\"b\",\"ok\":true,\"at\":\"2026-11-23 10:02:00\"}\n".repeat(60));
    DropFolder f = folder();
    f.scanOnce();
    drop("events-2.jsonl", "{\"id\":9,\"color\":\"red\"}\n{\"id\":10}\n");
    f.scanOnce();
    DatasetInfo ds = store.dataset("events").orElseThrow();
    assertThat(ds.schema().toString())
        .as("the keys of the first file's sample, in order of appearance")
        .isEqualTo("id:int, kind:string, ok:bool, at:timestamp, tags:string, extra:int");
    assertThat(ds.rowCount()).isEqualTo(64);
    List<QuarantinedRow> q = store.quarantine("events", 0, 10);
    assertThat(q).extracting(QuarantinedRow::line).containsExactly(4L, 6L, 7L, 1L);
    assertThat(q.get(0).reason()).isEqualTo("column 'id': 'x3' is not an int");
    assertThat(q.get(1).reason()).startsWith("not valid JSON");
    assertThat(q.get(2).reason()).isEqualTo("line is not a JSON object");
    assertThat(q.get(3).reason()).startsWith("unknown column 'color'");
    assertThat(q.get(3).raw()).isEqualTo("{\"id\":\"9\",\"color\":\"red\"}");
  }

  @Test
  void fileLevelProblemsMoveTheFileToFailedWithTheReason() throws IOException {
    DropFolder f = folder();
    drop("empty.csv", "");
    drop("utf16.csv", "\uFEFFa,b\n1,2\n".getBytes(StandardCharsets.UTF_16LE));
    drop("dup.csv", "a,A\n1,2\n");
    drop("headeronly.csv", "a,b\n");
    drop("notes.txt", "hello");
    assertThat(f.scanOnce()).isEqualTo(5);
    assertThat(Files.readString(dir.resolve("dropbox/failed/empty.csv.error.txt"))).contains("empty");
    assertThat(Files.readString(dir.resolve("dropbox/failed/utf16.csv.error.txt"))).contains("UTF-16");
    assertThat(Files.readString(dir.resolve("dropbox/failed/dup.csv.error.txt"))).contains("appears twice");
    assertThat(Files.readString(dir.resolve("dropbox/failed/headeronly.csv.error.txt"))).contains("no readable data rows");
    assertThat(Files.readString(dir.resolve("dropbox/failed/notes.txt.error.txt"))).contains("neither .csv nor .jsonl");
    assertThat(store.datasets()).isEmpty();
  }

  @Test
  void filesStillBeingWrittenOrHiddenAreLeftAlone() throws IOException {
    DropFolder f = folder(IngestSettings.defaults().withSettle(Duration.ofHours(1)), null);
    drop("fresh.csv", "a\n1\n");
    drop(".hidden.csv", "a\n1\n");
    drop("upload.csv.part", "a\n1\n");
    assertThat(f.scanOnce()).isZero();
    assertThat(Files.exists(dir.resolve("dropbox/fresh.csv"))).isTrue();
  }

  @Test
  void quarantineIsPagedAndExportsAsCsv() throws IOException {
    StringBuilder csv = new StringBuilder("v\n");
    for (int i = 0; i < 25; i++) {
      csv.append("1\n".repeat(79)).append("bad").append(i).append('\n');
    }
    drop("q.csv", csv.toString());
    folder().scanOnce();
    List<QuarantinedRow> p1 = store.quarantine("q", 0, 10);
    List<QuarantinedRow> p3 = store.quarantine("q", store.quarantine("q", p1.get(9).id(), 10).get(9).id(), 10);
    assertThat(p1).hasSize(10);
    assertThat(p3).hasSize(5);
    assertThat(p3.get(4).raw()).isEqualTo("bad24");
    Writer w = new StringWriter();
    store.exportQuarantineCsv("q", w);
    Path out = dir.resolve("export.csv");
    Files.writeString(out, w.toString());
    try (CsvReader r = CsvReader.open(out)) {
      assertThat(r.next().values()).containsExactly("origin", "line", "reason", "raw", "at");
      TextRecord first = r.next();
      assertThat(first.values()[0]).isEqualTo("q.csv");
      assertThat(first.values()[1]).isEqualTo("81");
      assertThat(first.values()[2]).isEqualTo("column 'v': 'bad0' is not an int");
    }
    assertThatThrownBy(() -> store.quarantine("q", 0, 0)).isInstanceOf(IllegalArgumentException.class);
    new CsvWriter(new StringWriter()).flush();
  }
}
