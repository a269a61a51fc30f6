package io.fedge.systest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The outputs of the image/ modules (built before system-tests in the reactor). */
public final class ImageArtifacts {
  private ImageArtifacts() {}

  private static Path imageDir() {
    return Path.of(System.getProperty("fedge.image.dir", "../image")).toAbsolutePath().normalize();
  }

  public static Path hubImage() {
    return existing(imageDir().resolve("hub/target/fedge-hub-image.tar"));
  }

  public static Path agentImage() {
    return existing(imageDir().resolve("agent/target/fedge-agent-image.tar"));
  }

  /** target/fedge-appliance-VERSION.tar.gz of image/agent. */
  public static Path applianceBundle() {
    Path target = imageDir().resolve("agent/target");
    try (Stream<Path> s = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      List<Path> found = s.filter(p -> p.getFileName().toString().matches("fedge-appliance-.+\\.tar\\.gz")).toList();
      if (found.size() != 1) {
        throw new IllegalStateException("expected one fedge-appliance-*.tar.gz in " + target + ", found " + found
            + "; build it first: mvn -B -o -pl image/agent -am package -DskipTests");
      }
      return found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path existing(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing; build the images first: mvn -B -o -pl image/hub,image/agent -am package -DskipTests");
    }
    return p;
  }
}
