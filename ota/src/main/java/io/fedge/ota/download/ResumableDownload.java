package io.fedge.ota.download;

import io.fedge.ota.slots.AtomicFiles;
import io.fedge.ota.tuf.Roles.TargetFile;
import io.fedge.ota.tuf.TargetCheck;
import io.fedge.ota.tuf.TufException;
import io.fedge.ota.tuf.TufException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Downloads a target into {@code <dir>/<name>.part} so that a kill at any moment loses at most one
 * checkpoint interval: every {@link #CHECKPOINT_BYTES} the partial file is fsynced and
 * {@code <name>.progress} records how many bytes are durable. The next attempt truncates the
 * partial file to that length and asks for the rest with an HTTP Range request. Never reads more
 * than the length the signed targets metadata states; checks length and SHA-256 before the file
 * is renamed to {@code <dir>/<name>}.
 */
public final class ResumableDownload {
  public static final long CHECKPOINT_BYTES = 256 * 1024;

  /** One HTTP GET from {@code offset}: status 206 (with the range's first byte) or 200 (whole file). */
  public interface RangeSource {
    Response open(long offset) throws IOException;
  }

  /** {@code firstByte} is the start of a 206 response's Content-Range, 0 for a 200. */
  public record Response(int status, long firstByte, InputStream body) {}

  /**
   * @param resumedFrom durable bytes found from an earlier attempt
   * @param fetchedThisRun bytes received in this call
   * @param fetchedTotal bytes received over all attempts as recorded at checkpoints (bytes after an
   *     attempt's last checkpoint are lost with it; the server's count of bytes served is exact)
   */
  public record Result(Path file, long resumedFrom, long fetchedThisRun, long fetchedTotal) {}

  /** Progress callback: bytes durable or received so far, of the total. */
  public interface Listener {
    void progress(long bytes, long total);
  }

  private final Path dir;
  private final long bytesPerSecond;

  /** {@code bytesPerSecond} 0 means unlimited (a dealer's line may need a cap). */
  public ResumableDownload(Path dir, long bytesPerSecond) {
    this.dir = dir;
    this.bytesPerSecond = bytesPerSecond;
  }

  public Path completed(String name) {
    return dir.resolve(name);
  }

  public Result fetch(String name, TargetFile expected, RangeSource source, Listener listener)
      throws IOException, TufException, InterruptedException {
    Files.createDirectories(dir);
    Path done = dir.resolve(name);
    Path part = dir.resolve(name + ".part");
    Path progressFile = dir.resolve(name + ".progress");
    if (Files.isRegularFile(done)) {
      TargetCheck.verify(done, expected);
      return new Result(done, expected.length(), 0, expected.length());
    }
    Properties prog = load(progressFile);
    long durable = 0;
    long fetchedTotal = 0;
    if (expected.sha256().equals(prog.getProperty("sha256")) && Files.isRegularFile(part)) {
      durable = Math.min(Long.parseLong(prog.getProperty("durable", "0")), Files.size(part));
      fetchedTotal = Long.parseLong(prog.getProperty("fetched", "0"));
    }
    long resumedFrom = durable;
    long fetchedThisRun = 0;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.truncate(durable);
      ch.position(durable);
      if (durable < expected.length()) {
        Response r = source.open(durable);
        long pos;
        if (r.status() == 206 && r.firstByte() == durable) {
          pos = durable;
        } else if (r.status() == 200) {
          ch.truncate(0);
          ch.position(0);
          pos = 0;
          durable = 0;
        } else {
          r.body().close();
          throw new IOException("target server answered " + r.status() + " to a request from byte " + durable);
        }
        long sinceCheckpoint = 0;
        long startNanos = System.nanoTime();
        long rateBytes = 0;
        try (InputStream in = r.body()) {
          byte[] buf = new byte[16384];
          int n;
          while ((n = in.read(buf)) > 0) {
            if (pos + n > expected.length()) {
              // Endless data: never store more than the signed length.
              discard(part, progressFile);
              throw new TufException(Reason.LENGTH_EXCEEDED, "target " + name + " is longer than the signed "
                  + expected.length() + " bytes");
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
              ch.write(bb);
            }
            pos += n;
            fetchedThisRun += n;
            fetchedTotal += n;
            sinceCheckpoint += n;
            rateBytes += n;
            if (sinceCheckpoint >= CHECKPOINT_BYTES) {
              ch.force(false);
              durable = pos;
              save(progressFile, expected, durable, fetchedTotal);
              sinceCheckpoint = 0;
              listener.progress(durable, expected.length());
            }
            throttle(startNanos, rateBytes);
          }
        }
        ch.force(false);
        durable = pos;
        save(progressFile, expected, durable, fetchedTotal);
        listener.progress(durable, expected.length());
      }
    }
    if (durable < expected.length()) {
      throw new TufException(Reason.LENGTH_SHORT, "target " + name + " stopped at " + durable + " of "
          + expected.length() + " bytes; the next attempt resumes from there");
    }
    try {
      TargetCheck.verify(part, expected);
    } catch (TufException e) {
      discard(part, progressFile);
      throw e;
    }
    Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    AtomicFiles.syncDirectory(dir);
    Files.deleteIfExists(progressFile);
    return new Result(done, resumedFrom, fetchedThisRun, fetchedTotal);
  }

  /** Removes every file of other targets (older downloads) from the directory. */
  public void keepOnly(String name) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (!f.equals(name) && !f.equals(name + ".part") && !f.equals(name + ".progress")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void throttle(long startNanos, long bytes) throws InterruptedException {
    if (bytesPerSecond <= 0) {
      return;
    }
    long due = startNanos + bytes * 1_000_000_000L / bytesPerSecond;
    long wait = due - System.nanoTime();
    if (wait > 1_000_000) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  private static void discard(Path part, Path progress) throws IOException {
    Files.deleteIfExists(part);
    Files.deleteIfExists(progress);
  }

  private static Properties load(Path f) throws IOException {
    Properties p = new Properties();
    if (Files.isRegularFile(f)) {
      p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
    }
    return p;
  }

  private static void save(Path f, TargetFile t, long durable, long fetched) throws IOException {
    String s = "sha256=" + t.sha256() + "\nlength=" + t.length() + "\ndurable=" + durable + "\nfetched=" + fetched + "\n";
    AtomicFiles.write(f, s.getBytes(StandardCharsets.UTF_8));
  }
}
