package io.fedge.ota.tuf;

import io.fedge.ota.slots.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Trusted metadata as files in one directory, written with fsync and atomic rename. */
public final class DirectoryTrustStore implements TrustStore {
  private final Path dir;

  public DirectoryTrustStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Optional<byte[]> load(String name) throws IOException {
    Path f = dir.resolve(check(name));
    return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
  }

  @Override
  public void save(String name, byte[] bytes) throws IOException {
    AtomicFiles.write(dir.resolve(check(name)), bytes);
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(check(name)));
  }

  private static String check(String name) {
    if (!name.matches("[a-z0-9.]{1,64}") || name.contains("..")) {
      throw new IllegalArgumentException("bad metadata name " + name);
    }
    return name;
  }
}
