package io.fedge.federation.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The FATE example data shipped in the repository under examples/data/fate/. */
public final class FateData {
  private FateData() {}

  /** examples/data/fate in this checkout, found from the working directory upwards. */
  public static Path dir() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path d = p.resolve("examples/data/fate");
      if (Files.isDirectory(d)) {
        return d;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("examples/data/fate not found above " + Path.of("")
        .toAbsolutePath());
  }

  /** One file of the FATE homo sets: id column {@code id}, label {@code y}. */
  public static Table read(String fileName) {
    try {
      return TableCsv.read(dir().resolve(fileName), "y", "id");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
