package io.fedge.hub.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Feeding local agents the way a dealer's tool does: a file written aside and renamed into the
 * agent's drop folder, then waiting for the agent to move it to {@code processed/} (or to {@code
 * failed/} with the reason). Used by {@code ./fedge sim} and {@code ./fedge demo}.
 */
public final class DropFolders {
  private DropFolders() {}

  /** Drops {@code source} as {@code <dropbox>/<name>}; returns where the agent will move it once ingested. */
  public static Path drop(Path source, Path dropbox, String name) throws java.io.IOException {
    Files.createDirectories(dropbox);
    Path part = dropbox.resolve(name + ".part");
    Files.copy(source, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(part, dropbox.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return dropbox.resolve("processed").resolve(name);
  }

  /**
   * Waits until every file is in its {@code processed/} folder. Returns empty when they all are,
   * else why not: the agent's reason from {@code failed/<name>.error.txt}, or the timeout.
   */
  public static Optional<String> awaitProcessed(List<Path> processed, Duration timeout) throws InterruptedException,
      java.io.IOException {
    Instant until = Instant.now().plus(timeout);
    for (Path p : processed) {
      Path failed = p.getParent().resolveSibling("failed").resolve(p.getFileName() + ".error.txt");
      while (!Files.exists(p)) {
        if (Files.exists(failed)) {
          return Optional.of("the agent could not ingest " + p.getFileName() + ": " + Files.readString(failed).trim());
        }
        if (Instant.now().isAfter(until)) {
          return Optional.of("the agents did not ingest their data within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(200);
      }
    }
    return Optional.empty();
  }
}
