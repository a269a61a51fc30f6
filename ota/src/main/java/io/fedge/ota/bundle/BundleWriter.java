package io.fedge.ota.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a bundle: a ZIP with {@code bundle.properties} first, then {@code app/agent.jar},
 * {@code app/lib/*.jar} and optional {@code migrations/*.properties}. Entries are sorted and carry
 * a fixed time, so the same inputs give the same bytes (and the same SHA-256 in the targets
 * metadata).
 */
public final class BundleWriter {
  private static final FileTime EPOCH = FileTime.fromMillis(315532800000L); // 1980-01-01, ZIP's epoch

  private BundleWriter() {}

  public static void write(Path out, BundleManifest manifest, Path agentJar, Path libDir, Path migrationsDir)
      throws IOException {
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
      entry(zip, BundleManifest.FILE, manifest.encode().getBytes(StandardCharsets.UTF_8));
      entry(zip, BundleLayout.AGENT_JAR, Files.readAllBytes(agentJar));
      for (Path lib : sorted(libDir, ".jar")) {
        entry(zip, BundleLayout.LIB_DIR + lib.getFileName(), Files.readAllBytes(lib));
      }
      for (Path m : sorted(migrationsDir, ".properties")) {
        MigrationFile.parse(Files.readString(m, StandardCharsets.UTF_8)); // refuse a bad one now, not on the device
        entry(zip, BundleLayout.MIGRATIONS_DIR + m.getFileName(), Files.readAllBytes(m));
      }
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<Path> sorted(Path dir, String suffix) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      List<Path> out = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).toList());
      out.sort(null);
      return out;
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setLastModifiedTime(EPOCH);
    e.setCreationTime(EPOCH);
    e.setLastAccessTime(EPOCH);
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}
