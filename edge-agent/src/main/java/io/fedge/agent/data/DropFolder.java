package io.fedge.agent.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched drop folder. A file dropped into it (not hidden, not ending in {@code .tmp} or {@code
 * .part}, unmodified for the settle time) is moved to {@code processing/}, ingested, and moved to
 * {@code processed/} (loaded, or a duplicate of loaded content) or {@code failed/} (with a {@code
 * <name>.error.txt} beside it saying why). Files left in {@code processing/} by a crash are resumed
 * first at the next scan. The folder is polled, which works on every file system (network shares
 * and some container mounts never deliver watch events).
 */
public final class DropFolder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DropFolder.class);

  private final Path folder;
  private final Path processing;
  private final Path processed;
  private final Path failed;
  private final FileIngest ingest;
  private final IngestSettings settings;
  private final Clock clock;
  private ScheduledFuture<?> task;

  public DropFolder(Path folder, FileIngest ingest, IngestSettings settings, Clock clock) {
    this.folder = folder;
    this.processing = folder.resolve("processing");
    this.processed = folder.resolve("processed");
    this.failed = folder.resolve("failed");
    this.ingest = ingest;
    this.settings = settings;
    this.clock = clock;
  }

  public Path folder() {
    return folder;
  }

  /** Creates the folders and polls every {@code intervalMillis} on {@code scheduler}. */
  public synchronized void start(ScheduledExecutorService scheduler, long intervalMillis) throws IOException {
    createFolders();
    task = scheduler.scheduleWithFixedDelay(this::scanQuietly, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void createFolders() throws IOException {
    Files.createDirectories(processing);
    Files.createDirectories(processed);
    Files.createDirectories(failed);
  }

  private void scanQuietly() {
    try {
      scanOnce();
    } catch (IOException | RuntimeException e) {
      LOG.warn("drop folder scan of {} failed, will retry: {}", folder, e.toString());
    }
  }

  /** Ingests every ready file (interrupted ones first); returns how many files were finished. */
  public synchronized int scanOnce() throws IOException {
    createFolders();
    int done = 0;
    for (Path p : list(processing)) {
      done += process(p);
    }
    long now = clock.millis();
    for (Path p : list(folder)) {
      String n = p.getFileName().toString();
      if (n.startsWith(".") || n.endsWith(".tmp") || n.endsWith(".part")) {
        continue;
      }
      if (now - Files.getLastModifiedTime(p).toMillis() < settings.settle().toMillis()) {
        continue; // still being written
      }
      Path target = processing.resolve(n);
      if (Files.exists(target)) {
        continue; // a file of the same name is still being processed; take this one next time
      }
      Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
      done += process(target);
    }
    return done;
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      ds.forEach(out::add);
    }
    out.sort(Comparator.comparing((Path p) -> {
      try {
        return Files.getLastModifiedTime(p).toMillis();
      } catch (IOException e) {
        return 0L;
      }
    }).thenComparing(p -> p.getFileName().toString()));
    return out;
  }

  private int process(Path file) throws IOException {
    String name = file.getFileName().toString();
    FileIngest.Outcome o;
    try {
      o = ingest.run(file, name);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ingest of {} interrupted, it resumes at the next scan: {}", name, e.toString());
      return 0;
    }
    switch (o.status()) {
      case DONE -> {
        LOG.info("ingested {} into dataset {}: {} rows loaded, {} quarantined", name, o.dataset(), o.rowsLoaded(),
            o.rowsQuarantined());
        moveTo(file, processed);
      }
      case DUPLICATE -> {
        LOG.info("{} not loaded again: {}", name, o.message());
        moveTo(file, processed);
      }
      case FAILED -> {
        LOG.warn("{} failed: {}", name, o.message());
        Path moved = moveTo(file, failed);
        Path note = moved.resolveSibling(moved.getFileName() + ".error.txt");
        Files.writeString(note, o.message() + System.lineSeparator(), StandardCharsets.UTF_8);
      }
      default -> throw new IllegalStateException(o.status().toString());
    }
    return 1;
  }

  /** Moves keeping the name, or {@code name~2.ext}, {@code name~3.ext}... when it is taken. */
  private static Path moveTo(Path file, Path dir) throws IOException {
    String n = file.getFileName().toString();
    Path target = dir.resolve(n);
    int dot = n.lastIndexOf('.');
    for (int i = 2; Files.exists(target); i++) {
      target = dir.resolve(dot > 0 ? n.substring(0, dot) + "~" + i + n.substring(dot) : n + "~" + i);
    }
    return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
