package io.fedge.agent.data.bench;

import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.FileIngest;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestSettings;
import io.fedge.agent.data.TextRecord;
import io.fedge.agent.data.csv.CsvReader;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Ingests a generated CSV (default 1,000,000 rows x 20 columns: ints, floats, bools, dates,
 * strings, some quoted with commas) into a fresh data store and reports rows/s and peak heap,
 * against baselines measured in the same run on the same file: reading its bytes, splitting its
 * lines with BufferedReader + String.split, and our CSV parser alone. Run with {@code ./fedge
 * bench-ingest [rows]} (which runs it with {@code -Xmx256m}); writes
 * edge-agent/target/bench/ingest.md.
 */
public final class IngestBench {
  /**
   * @param peakHeap the largest heap in use seen by a 20 ms sampler (live data plus garbage not yet collected)
   * @param peakLive the largest old-generation occupancy right after a collection: what the phase really keeps
   */
  private record Phase(String name, long items, double seconds, double cpuSeconds, long peakHeap, long peakLive) {
    double perSecond() {
      return items / seconds;
    }

    double perCpuSecond() {
      return items / cpuSeconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("fedge-ingest-bench");
    try {
      Path csv = dir.resolve("bench.csv");
      generate(csv, rows);
      long bytes = Files.size(csv);
      System.out.printf(Locale.ROOT, "generated %,d rows x 20 columns, %,d bytes%n", rows, bytes);

      Phase readBytes = measure("read the file's bytes (FileChannel, 64 KiB buffer)", () -> {
        readBytes(csv);
        return (long) rows;
      });
      Phase split = measure("BufferedReader.readLine + String.split(\",\")", () -> split(csv));
      Phase parse = measure("our CSV parser only (RFC 4180, strict UTF-8)", () -> parse(csv));
      Phase ingest = measure("full ingest: parse, type-check, SQLite batches (10,000 rows), quarantine", () -> {
        try (DataStore store = DataStore.open(dir.resolve("state/data.db"))) {
          FileIngest fi = new FileIngest(store, new IngestMonitor(), IngestSettings.defaults().withSettle(Duration.ZERO),
              Clock.systemUTC(), null);
          FileIngest.Outcome o = fi.run(csv, "bench.csv");
          if (o.rowsLoaded() != rows) {
            throw new IllegalStateException("loaded " + o.rowsLoaded() + " of " + rows + ": " + o.message());
          }
          return o.rowsLoaded();
        }
      });
      long dbBytes = Files.size(dir.resolve("state/data.db"));

      long maxHeap = Runtime.getRuntime().maxMemory();
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT, "CSV: %,d rows x 20 columns, %.0f MiB; max heap %d MiB; Java %s%n%n", rows,
          bytes / 1048576.0, maxHeap >> 20, System.getProperty("java.version")));
      md.append(String.format(Locale.ROOT, "load average at the end: %.1f on %d cores%n%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors()));
      md.append("| phase | rows/s (wall) | rows per CPU-second | MiB/s (wall) | heap in use, peak (incl. garbage) | old gen after GC, peak | CPU cost relative to the line-split baseline |\n"
          + "|---|---|---|---|---|---|---|\n");
      for (Phase p : new Phase[] {readBytes, split, parse, ingest}) {
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.0f | %.0f MiB | %.0f MiB | %.2f |%n", p.name(),
            p.perSecond(), p.perCpuSecond(), bytes / 1048576.0 / p.seconds(), p.peakHeap() / 1048576.0,
            p.peakLive() / 1048576.0, split.perCpuSecond() / p.perCpuSecond()));
      }
      md.append(String.format(Locale.ROOT, "%nSQLite file after ingest: %.0f MiB.%n", dbBytes / 1048576.0));
      System.out.print(md);
      Path out = Path.of("target", "bench");
      Files.createDirectories(out);
      Files.writeString(out.resolve("ingest.md"), md);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Phase measure(String name, Callable<Long> work) throws Exception {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    var memory = ManagementFactory.getMemoryMXBean();
    long[] sampled = {0};
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        sampled[0] = Math.max(sampled[0], memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    var threads = ManagementFactory.getThreadMXBean();
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long items = work.call();
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = Math.max(1, threads.getCurrentThreadCpuTime() - c0) / 1e9;
    sampler.interrupt();
    sampler.join();
    long peak = sampled[0];
    long live = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null
          && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
        live = Math.max(live, pool.getCollectionUsage().getUsed());
      }
    }
    System.out.printf(Locale.ROOT, "%-75s %8.2f s (cpu %8.2f s) %12.0f rows/s  heap peak %5.0f MiB, live %5.0f MiB%n",
        name, s, cpu, items / s, peak / 1048576.0, live / 1048576.0);
    return new Phase(name, items, s, cpu, peak, live);
  }

  private static void generate(Path csv, int rows) throws IOException {
    Random r = new Random(42);
    LocalDate base = LocalDate.of(2020, 1, 1);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      StringBuilder h = new StringBuilder();
      for (int c = 0; c < 20; c++) {
        h.append(c == 0 ? "" : ",").append(new String[] {"i", "f", "b", "d", "s"}[c % 5]).append(c);
      }
      w.write(h.append('\n').toString());
      StringBuilder b = new StringBuilder(256);
      for (int i = 0; i < rows; i++) {
        b.setLength(0);
        for (int c = 0; c < 20; c++) {
          if (c > 0) {
            b.append(',');
          }
          switch (c % 5) {
            case 0 -> b.append(r.nextInt(1_000_000));
            case 1 -> b.append(Math.round(r.nextDouble() * 100_000) / 100.0);
            case 2 -> b.append(r.nextBoolean());
            case 3 -> b.append(base.plusDays(r.nextInt(2000)));
            default -> b.append(r.nextInt(10) == 0 ? "\"Müller, Jörg\"" : "cust" + r.nextInt(100_000));
          }
        }
        w.write(b.append('\n').toString());
      }
    }
  }

  private static void readBytes(Path csv) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long sum = 0;
    try (FileChannel ch = FileChannel.open(csv)) {
      while (ch.read(buf) > 0) {
        buf.flip();
        sum += buf.get(0);
        buf.clear();
      }
    }
    if (sum == 42) {
      System.out.print("");
    }
  }

  private static long split(Path csv) throws IOException {
    long n = 0;
    long fields = 0;
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        fields += line.split(",").length;
        n++;
      }
    }
    return fields > 0 ? n : 0;
  }

  private static long parse(Path csv) throws IOException {
    long n = 0;
    try (CsvReader r = CsvReader.open(csv)) {
      r.next();
      TextRecord t;
      while ((t = r.next()) != null) {
        if (t.ok()) {
          n++;
        }
      }
    }
    return n;
  }
}
