package io.fedge.agent.data;

import io.fedge.agent.data.csv.CsvReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads one CSV or JSON Lines file into its dataset, in batches. Each batch commits its good rows,
 * its quarantined rows, the catalog counts and the file's resume point (byte offset and line of the
 * next record) in one transaction, keyed by the SHA-256 of the file's content; the last batch also
 * marks the file done and extends the dataset's content hash. A crash at any point therefore loses
 * at most the batch in flight, and the next run resumes right after the last committed one: no row
 * is loaded twice, none is skipped. A file whose content was loaded before is a duplicate.
 */
public final class FileIngest {
  /** Called after every committed batch (tests use it to simulate a crash between batches). */
  public interface BatchHook {
    void afterCommit(String sha256, int batchNumber);
  }

  /** How a file ended. */
  public record Outcome(Status status, String dataset, String sha256, long rowsLoaded, long rowsQuarantined, String message) {
    public enum Status {
      DONE,
      DUPLICATE,
      FAILED
    }
  }

  private record Resume(String dataset, long offset, long line, long loaded, long quarantined) {}

  private record Quarantined(long line, String reason, String raw) {}

  private final DataStore store;
  private final IngestMonitor monitor;
  private final IngestSettings settings;
  private final Clock clock;
  private final BatchHook hook;

  public FileIngest(DataStore store, IngestMonitor monitor, IngestSettings settings, Clock clock, BatchHook hook) {
    this.store = store;
    this.monitor = monitor;
    this.settings = settings;
    this.clock = clock;
    this.hook = hook == null ? (s, n) -> {} : hook;
  }

  /**
   * Ingests {@code file}, whose dataset comes from {@code name} (the name it was dropped under).
   * File-level problems (encoding, header, schema) end as FAILED with a reason; I/O and database
   * errors are thrown and the file can be retried (it resumes).
   */
  public Outcome run(Path file, String name) throws IOException {
    String sha = sha256(file);
    long size = Files.size(file);
    Instant started = clock.instant();
    String id = "file:" + sha;
    String dataset = null;
    try {
      dataset = DatasetNames.fromFileName(name);
      Format format = Format.of(name);
      String ds = dataset;
      Object prior = store.read(c -> priorRun(c, sha));
      if (prior instanceof String doneAs) {
        String msg = "same content as " + doneAs + ", which is already loaded";
        monitor.update(progress(id, ds, name, IngestProgress.State.DUPLICATE, size, size, 0, 0, msg, started));
        return new Outcome(Outcome.Status.DUPLICATE, ds, sha, 0, 0, msg);
      }
      Resume resume = (Resume) prior;
      if (resume != null) {
        dataset = resume.dataset();
      }
      return load(file, name, sha, size, dataset, format, resume, started);
    } catch (DataException e) {
      String msg = e.getMessage();
      String ds = dataset == null ? "" : dataset;
      store.write(c -> {
        recordFailure(c, sha, ds, name, size, msg, started);
        return null;
      });
      monitor.update(progress(id, ds, name, IngestProgress.State.FAILED, 0, size, 0, 0, msg, started));
      return new Outcome(Outcome.Status.FAILED, ds, sha, 0, 0, msg);
    }
  }

  private enum Format {
    CSV,
    JSONL;

    static Format of(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(".csv")) {
        return CSV;
      }
      if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
        return JSONL;
      }
      throw new DataException("'" + name + "' is neither .csv nor .jsonl/.ndjson; only those formats are ingested");
    }
  }

  private Outcome load(Path file, String name, String sha, long size, String dataset, Format format, Resume resume, Instant started)
      throws IOException {
    Schema existing = store.dataset(dataset).map(DatasetInfo::schema).orElse(null);
    Schema schema;
    int[] mapping;
    TextSource src;
    if (format == Format.CSV) {
      List<String> header;
      long dataStart;
      long dataLine;
      try (CsvReader r = openCsv(file, 0, 1)) {
        TextRecord h = r.next();
        if (h == null) {
          throw new DataException("the file is empty: a CSV file needs a header row naming its columns");
        }
        if (!h.ok()) {
          throw new DataException("the header row (line " + h.line() + ") cannot be read: " + h.error());
        }
        header = new ArrayList<>();
        for (String v : h.values()) {
          header.add(v.strip());
        }
        new Schema(header.stream().map(n -> new Column(n, ColumnType.STRING)).toList()); // names valid, unique
        dataStart = r.position();
        dataLine = r.nextLine();
        schema = existing != null ? existing : infer(header, r);
      }
      mapping = mapping(dataset, header, schema);
      src = resume != null ? openCsv(file, resume.offset(), resume.line()) : openCsv(file, dataStart, dataLine);
    } else {
      schema = existing != null ? existing : inferJsonl(file);
      mapping = identity(schema.size());
      JsonlReader jr = resume != null
          ? JsonlReader.open(file, resume.offset(), resume.line(), settings.maxRecordBytes())
          : JsonlReader.open(file, 0, 1, settings.maxRecordBytes());
      src = new JsonlTextSource(jr, schema.names());
    }
    try (TextSource s = src) {
      return new Batcher(name, sha, size, dataset, schema, existing != null, mapping, resume, started).run(s);
    }
  }

  private CsvReader openCsv(Path file, long offset, long line) throws IOException {
    return CsvReader.open(file, offset, line, settings.maxFieldBytes(), settings.maxRecordBytes(), Schema.MAX_COLUMNS + 1);
  }

  private Schema infer(List<String> header, CsvReader r) throws IOException {
    SchemaInference inf = new SchemaInference(header);
    TextRecord rec;
    int seen = 0;
    while (seen < settings.sampleRows() && (rec = r.next()) != null) {
      seen++;
      if (rec.ok() && rec.values().length == header.size()) {
        inf.add(rec.values());
      }
    }
    return inferred(inf);
  }

  private Schema inferJsonl(Path file) throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    try (JsonlReader r = JsonlReader.open(file, 0, 1, settings.maxRecordBytes())) {
      JsonlReader.JsonRecord rec;
      int seen = 0;
      while (seen < settings.sampleRows() && (rec = r.next()) != null) {
        seen++;
        if (rec.error() == null) {
          keys.addAll(rec.values().keySet());
        }
      }
    }
    if (keys.isEmpty()) {
      throw noRows();
    }
    List<String> names = new ArrayList<>(keys);
    new Schema(names.stream().map(n -> new Column(n, ColumnType.STRING)).toList());
    SchemaInference inf = new SchemaInference(names);
    try (JsonlTextSource s = new JsonlTextSource(JsonlReader.open(file, 0, 1, settings.maxRecordBytes()), names)) {
      TextRecord rec;
      int seen = 0;
      while (seen < settings.sampleRows() && (rec = s.next()) != null) {
        seen++;
        if (rec.ok()) {
          inf.add(rec.values());
        }
      }
    }
    return inferred(inf);
  }

  private static Schema inferred(SchemaInference inf) {
    if (inf.rows() == 0) {
      throw noRows();
    }
    return inf.result();
  }

  private static DataException noRows() {
    return new DataException(
        "the file has no readable data rows, so the dataset's column types cannot be inferred; drop a file with data first");
  }

  private static int[] identity(int n) {
    int[] m = new int[n];
    for (int i = 0; i < n; i++) {
      m[i] = i;
    }
    return m;
  }

  /** Position in the schema of each header column; the header must name exactly the schema's columns. */
  private static int[] mapping(String dataset, List<String> header, Schema schema) {
    Set<String> missing = new LinkedHashSet<>(schema.names());
    List<String> unexpected = new ArrayList<>();
    int[] m = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      m[i] = schema.indexOf(header.get(i));
      if (m[i] < 0) {
        unexpected.add(header.get(i));
      }
      missing.remove(header.get(i));
    }
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new DataException("the header does not match dataset '" + dataset + "' (" + schema.names() + "): missing "
          + missing + ", unexpected " + unexpected + "; fix the header, or name the file after a new dataset");
    }
    return m;
  }

  /** A String (the file name it was loaded as) when done, a Resume when in progress, null otherwise. */
  private static Object priorRun(Connection c, String sha) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ingest_files WHERE sha256 = ?")) {
      ps.setString(1, sha);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return switch (rs.getString("status")) {
          case "DONE" -> rs.getString("file_name");
          case "IN_PROGRESS" -> new Resume(rs.getString("dataset"), rs.getLong("next_offset"), rs.getLong("next_line"),
              rs.getLong("rows_loaded"), rs.getLong("rows_quarantined"));
          default -> null; // FAILED: the reason may have been fixed (for example the dataset was missing); try again
        };
      }
    }
  }

  private void recordFailure(Connection c, String sha, String dataset, String name, long size, String error, Instant started)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ingest_files VALUES (?,?,?,?,'FAILED',0,1,0,0,?,?,?) ON CONFLICT(sha256) DO UPDATE SET"
            + " status = 'FAILED', error = excluded.error, finished_at = excluded.finished_at")) {
      ps.setString(1, sha);
      ps.setString(2, dataset);
      ps.setString(3, name);
      ps.setLong(4, size);
      ps.setString(5, error);
      ps.setString(6, started.toString());
      ps.setString(7, clock.instant().toString());
      ps.executeUpdate();
    }
  }

  private IngestProgress progress(String id, String dataset, String name, IngestProgress.State state, long done, long size,
      long loaded, long quarantined, String msg, Instant started) {
    Instant now = clock.instant();
    return new IngestProgress(id, "file", dataset, name, state, done, size, loaded, quarantined,
        IngestProgress.rate(loaded + quarantined, started, now), IngestProgress.percent(done, size), msg, started, now);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = HashChain.sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Reads records, converts them and commits them batch by batch. */
  private final class Batcher {
    private final String name;
    private final String sha;
    private final long size;
    private final String dataset;
    private final Schema schema;
    private final int[] mapping;
    private final Instant started;
    private boolean created;
    private long loaded;
    private long quarantined;
    private long sessionRows;
    private int batches;
    private final List<Object[]> rows = new ArrayList<>();
    private final List<Long> lines = new ArrayList<>();
    private final List<Quarantined> bad = new ArrayList<>();

    Batcher(String name, String sha, long size, String dataset, Schema schema, boolean created, int[] mapping, Resume resume,
        Instant started) {
      this.name = name;
      this.sha = sha;
      this.size = size;
      this.dataset = dataset;
      this.schema = schema;
      this.created = created;
      this.mapping = mapping;
      this.started = started;
      if (resume != null) {
        loaded = resume.loaded();
        quarantined = resume.quarantined();
      }
    }

    Outcome run(TextSource src) throws IOException {
      monitor.update(progress("file:" + sha, dataset, name, IngestProgress.State.RUNNING, src.position(), size, loaded,
          quarantined, null, started));
      TextRecord rec;
      while ((rec = src.next()) != null) {
        convert(src, rec);
        if (rows.size() + bad.size() >= settings.batchRows()) {
          commit(src, false);
        }
      }
      commit(src, true);
      monitor.update(progress("file:" + sha, dataset, name, IngestProgress.State.DONE, size, size, loaded, quarantined,
          null, started));
      return new Outcome(Outcome.Status.DONE, dataset, sha, loaded, quarantined, null);
    }

    private void convert(TextSource src, TextRecord rec) {
      if (!rec.ok()) {
        bad.add(new Quarantined(rec.line(), rec.error(), src.raw(rec)));
        return;
      }
      String[] v = rec.values();
      if (v.length != mapping.length) {
        bad.add(new Quarantined(rec.line(), "the row has " + v.length + " fields, the header has " + mapping.length, src.raw(rec)));
        return;
      }
      Object[] row = new Object[schema.size()];
      for (int i = 0; i < v.length; i++) {
        String text = v[i];
        if (text == null || text.isEmpty()) {
          continue;
        }
        Column col = schema.column(mapping[i]);
        try {
          row[mapping[i]] = col.type().parse(text);
        } catch (IllegalArgumentException e) {
          bad.add(new Quarantined(rec.line(), "column '" + col.name() + "': " + e.getMessage(), src.raw(rec)));
          return;
        }
      }
      rows.add(row);
      lines.add(rec.line());
    }

    private void commit(TextSource src, boolean last) {
      long offset = src.position();
      long nextLine = src.nextLine();
      Instant now = clock.instant();
      store.write(c -> {
        if (!created && DataStore.dataset(c, dataset).isEmpty()) {
          DataStore.createDataset(c, dataset, "file", schema, List.of(), now);
        }
        if (!rows.isEmpty()) {
          try (PreparedStatement ps = DataStore.insertRows(c, dataset, schema, false)) {
            for (int i = 0; i < rows.size(); i++) {
              DataStore.addRow(ps, rows.get(i), name, lines.get(i));
            }
            ps.executeBatch();
          }
        }
        for (Quarantined q : bad) {
          DataStore.quarantine(c, dataset, name, q.line(), q.reason(), q.raw(), now);
        }
        DataStore.addToCatalog(c, dataset, rows.size(), bad.size(), last ? sha : null, now);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO ingest_files VALUES (?,?,?,?,?,?,?,?,?,NULL,?,?) ON CONFLICT(sha256) DO UPDATE SET"
                + " dataset = excluded.dataset, file_name = excluded.file_name, status = excluded.status,"
                + " next_offset = excluded.next_offset, next_line = excluded.next_line, rows_loaded = excluded.rows_loaded,"
                + " rows_quarantined = excluded.rows_quarantined, error = NULL, finished_at = excluded.finished_at")) {
          ps.setString(1, sha);
          ps.setString(2, dataset);
          ps.setString(3, name);
          ps.setLong(4, size);
          ps.setString(5, last ? "DONE" : "IN_PROGRESS");
          ps.setLong(6, offset);
          ps.setLong(7, nextLine);
          ps.setLong(8, loaded + rows.size());
          ps.setLong(9, quarantined + bad.size());
          ps.setString(10, started.toString());
          ps.setString(11, last ? now.toString() : null);
          ps.executeUpdate();
        }
        return null;
      });
      created = true;
      loaded += rows.size();
      quarantined += bad.size();
      sessionRows += rows.size() + bad.size();
      rows.clear();
      lines.clear();
      bad.clear();
      batches++;
      if (!last) {
        Instant t = clock.instant();
        monitor.update(new IngestProgress("file:" + sha, "file", dataset, name, IngestProgress.State.RUNNING, offset, size,
            loaded, quarantined, IngestProgress.rate(sessionRows, started, t), IngestProgress.percent(offset, size), null,
            started, t));
        hook.afterCommit(sha, batches);
      }
    }
  }
}
