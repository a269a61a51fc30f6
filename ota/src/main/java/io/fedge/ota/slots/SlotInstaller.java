package io.fedge.ota.slots;

import io.fedge.ota.bundle.BundleLayout;
import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.bundle.MigrationFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Installs a verified bundle into the inactive slot and switches the pointer to it.
 *
 * <pre>
 * install:  unpack to slots/.staging (deleted first)  ->  fsync every file
 *           ->  apply migrations to a copy of the active slot's agent.properties
 *           ->  delete slots/&lt;inactive&gt;  ->  rename .staging to slots/&lt;inactive&gt;  ->  fsync slots/
 * switch:   boot pointer {active=&lt;inactive&gt;, previous=&lt;active&gt;, state=TRIAL} (atomic rename)
 * </pre>
 *
 * A crash anywhere before the pointer write leaves the pointer on the running slot; the staging
 * directory or a half-deleted inactive slot is never booted and is cleaned on the next install.
 */
public final class SlotInstaller {
  public static final String SLOTS = "slots";
  public static final String STAGING = ".staging";

  /** A test hook: called with a step name before each step, so tests can simulate a crash there. */
  public interface Steps {
    Steps NONE = step -> {};

    void before(String step) throws IOException;
  }

  private final Path home;
  private final Steps steps;

  public SlotInstaller(Path home) {
    this(home, Steps.NONE);
  }

  public SlotInstaller(Path home, Steps steps) {
    this.home = home;
    this.steps = steps;
  }

  public Path slot(String name) {
    return home.resolve(SLOTS).resolve(name);
  }

  /** First installation on a new appliance: the bundle goes to slot a, which becomes active and stable. */
  public BundleManifest installFirst(Path bundle) throws IOException {
    if (BootPointer.read(home).isPresent()) {
      throw new IOException(home + " already has an installed agent; updates go through the OTA client");
    }
    BundleManifest m = unpackTo(bundle, "a", null);
    BootPointer.initial("a").write(home);
    return m;
  }

  /** Unpacks {@code bundle} into the inactive slot; returns its manifest and the slot name. */
  public Installed install(Path bundle) throws IOException {
    BootPointer p = BootPointer.read(home).orElseThrow(() -> new IOException("no boot pointer in " + home));
    if (p.state() == BootPointer.State.TRIAL) {
      throw new IOException("slot " + p.active() + " is still on trial; install again once it is confirmed or rolled back");
    }
    String target = BootPointer.other(p.active());
    BundleManifest m = unpackTo(bundle, target, slot(p.active()).resolve(BundleLayout.CONFIG));
    return new Installed(target, m);
  }

  /** Points the launcher at the freshly installed slot, on trial. */
  public BootPointer switchTo(Installed installed) throws IOException {
    steps.before("switch");
    return BootPointer.update(home, cur -> {
      if (cur.active().equals(installed.slot())) {
        throw new IllegalStateException("slot " + installed.slot() + " is already active");
      }
      return cur.trial(installed.slot());
    });
  }

  public record Installed(String slot, BundleManifest manifest) {}

  private BundleManifest unpackTo(Path bundle, String slotName, Path previousConfig) throws IOException {
    Path slots = home.resolve(SLOTS);
    Path staging = slots.resolve(STAGING);
    Files.createDirectories(slots);
    AtomicFiles.deleteTree(staging);
    Files.createDirectories(staging);
    steps.before("unpack");
    BundleManifest manifest = null;
    List<String> migrations = new ArrayList<>();
    long total = 0;
    int entries = 0;
    try (InputStream in = Files.newInputStream(bundle); ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (++entries > BundleLayout.MAX_ENTRIES) {
          throw new IOException("bundle has more than " + BundleLayout.MAX_ENTRIES + " entries");
        }
        String name = e.getName();
        requireSafe(name, entries == 1);
        if (e.isDirectory()) {
          continue;
        }
        Path dest = staging.resolve(name).normalize();
        if (!dest.startsWith(staging)) {
          throw new IOException("bundle entry " + name + " escapes the slot");
        }
        Files.createDirectories(dest.getParent());
        try (OutputStream out = Files.newOutputStream(dest)) {
          byte[] buf = new byte[65536];
          int n;
          while ((n = zip.read(buf)) > 0) {
            total += n;
            if (total > BundleLayout.MAX_UNPACKED_BYTES) {
              throw new IOException("bundle unpacks to more than " + BundleLayout.MAX_UNPACKED_BYTES + " bytes");
            }
            out.write(buf, 0, n);
          }
        }
        if (name.equals(BundleManifest.FILE)) {
          manifest = BundleManifest.read(staging);
        } else if (name.startsWith(BundleLayout.MIGRATIONS_DIR)) {
          migrations.add(name);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("bundle is not valid: " + e.getMessage(), e);
    }
    if (manifest == null || !Files.isRegularFile(staging.resolve(BundleLayout.AGENT_JAR))) {
      throw new IOException("bundle lacks " + BundleManifest.FILE + " or " + BundleLayout.AGENT_JAR);
    }
    steps.before("migrate");
    writeConfig(staging, previousConfig, migrations);
    syncTree(staging);
    Path slot = slots.resolve(slotName);
    steps.before("replace-slot");
    AtomicFiles.deleteTree(slot);
    steps.before("rename-staging");
    Files.move(staging, slot, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(slots);
    return manifest;
  }

  private static void writeConfig(Path staging, Path previousConfig, List<String> migrations) throws IOException {
    if (migrations.isEmpty() && (previousConfig == null || !Files.isRegularFile(previousConfig))) {
      return;
    }
    Properties cfg = new Properties();
    if (previousConfig != null && Files.isRegularFile(previousConfig)) {
      try (var r = Files.newBufferedReader(previousConfig, StandardCharsets.UTF_8)) {
        cfg.load(r);
      }
    }
    migrations.sort(null);
    for (String m : migrations) {
      try {
        MigrationFile.parse(Files.readString(staging.resolve(m), StandardCharsets.UTF_8)).applyTo(cfg);
      } catch (IllegalArgumentException e) {
        throw new IOException("migration " + m + ": " + e.getMessage(), e);
      }
    }
    StringWriter w = new StringWriter();
    cfg.store(w, "agent configuration of this slot (previous slot's, plus the bundle's migrations)");
    AtomicFiles.write(staging.resolve(BundleLayout.CONFIG), w.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void requireSafe(String name, boolean first) throws IOException {
    if (first && !name.equals(BundleManifest.FILE)) {
      throw new IOException("a bundle starts with " + BundleManifest.FILE);
    }
    boolean allowed = name.equals(BundleManifest.FILE) || name.equals(BundleLayout.AGENT_JAR)
        || (name.startsWith(BundleLayout.LIB_DIR) && name.endsWith(".jar"))
        || (name.startsWith(BundleLayout.MIGRATIONS_DIR) && name.endsWith(".properties"));
    if (!allowed || name.contains("..") || name.contains("\\") || name.startsWith("/")
        || name.substring(name.indexOf('/') + 1).contains("/") && !name.startsWith(BundleLayout.LIB_DIR)
        || name.startsWith(BundleLayout.LIB_DIR) && name.substring(BundleLayout.LIB_DIR.length()).contains("/")) {
      throw new IOException("bundle entry " + name + " is not allowed (see ota/README.md, bundle format)");
    }
  }

  private static void syncTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        if (Files.isRegularFile(p)) {
          try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        } else {
          AtomicFiles.syncDirectory(p);
        }
      }
    }
  }
}
