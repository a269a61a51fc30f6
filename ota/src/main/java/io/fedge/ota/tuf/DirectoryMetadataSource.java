package io.fedge.ota.tuf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Metadata files from a local directory (a release repository's {@code metadata/}, or a mirror). */
public final class DirectoryMetadataSource implements MetadataSource {
  private final Path dir;

  public DirectoryMetadataSource(Path dir) {
    this.dir = dir;
  }

  @Override
  public Optional<byte[]> fetch(String name, long maxBytes) throws IOException, TufException {
    if (!name.matches("[a-z0-9.]{1,64}") || name.contains("..")) {
      throw new TufException(TufException.Reason.MALFORMED, "bad metadata name " + name);
    }
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(f)) {
      return Optional.of(MetadataSource.readAtMost(in, maxBytes, name));
    }
  }
}
