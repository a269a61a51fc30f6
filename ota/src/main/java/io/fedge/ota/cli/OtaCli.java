package io.fedge.ota.cli;

import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.bundle.BundleWriter;
import io.fedge.ota.slots.SlotInstaller;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.SigningKey;
import io.fedge.ota.tuf.TufException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedge ota ...}: the release operator's tool. Keys are generated and kept on the
 * operator's machine; only signed metadata and bundles go to the hub.
 */
@Command(
    name = "fedge ota",
    mixinStandardHelpOptions = true,
    description = "Build, sign and publish agent releases (signed TUF-style metadata; see docs/ota.md).",
    subcommands = {
      OtaCli.Init.class, OtaCli.Bundle.class, OtaCli.AddTarget.class, OtaCli.Sign.class, OtaCli.Timestamp.class,
      OtaCli.RotateRoot.class, OtaCli.Publish.class, OtaCli.InstallFirst.class
    })
public final class OtaCli implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling: an operator error prints one line and exits 1. */
  public static CommandLine commandLine() {
    return new CommandLine(new OtaCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("fedge ota: " + e.getMessage());
      return e instanceof TufException || e instanceof java.io.IOException || e instanceof IllegalArgumentException ? 1 : 3;
    });
  }

  static ReleaseRepository repo(Path dir) {
    return new ReleaseRepository(dir, Clock.systemUTC(), ReleaseRepository.Expiries.defaults());
  }

  static List<SigningKey> keys(List<Path> files) throws java.io.IOException {
    List<SigningKey> out = new ArrayList<>();
    for (Path f : files) {
      out.add(SigningKey.read(f));
    }
    return out;
  }

  @Command(name = "init", description = "Create a release repository and its signing keys (root, targets, snapshot, timestamp).")
  static final class Init implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "repository directory (metadata/ and targets/)") Path repo;
    @Option(names = "--keys", required = true, description = "where to write the key files (keep offline; 0600)") Path keys;
    @Option(names = "--root-keys", defaultValue = "1", description = "number of root keys (default ${DEFAULT-VALUE})") int rootKeys;
    @Option(names = "--root-threshold", defaultValue = "1", description = "root signatures required (default ${DEFAULT-VALUE})") int threshold;

    @Override
    public Integer call() throws Exception {
      List<SigningKey> roots = new ArrayList<>();
      for (int i = 1; i <= rootKeys; i++) {
        SigningKey k = SigningKey.generate("root");
        k.write(keys.resolve("root-" + i + ".key"));
        roots.add(k);
      }
      SigningKey t = SigningKey.generate("targets");
      SigningKey s = SigningKey.generate("snapshot");
      SigningKey ts = SigningKey.generate("timestamp");
      t.write(keys.resolve("targets.key"));
      s.write(keys.resolve("snapshot.key"));
      ts.write(keys.resolve("timestamp.key"));
      repo(repo).init(roots, threshold, t, s, ts);
      System.out.println("release repository " + repo + " created; root.json to pin on appliances: "
          + repo.resolve("metadata/1.root.json"));
      return 0;
    }
  }

  @Command(name = "bundle", description = "Build an agent bundle from the agent jar and its lib/ directory.")
  static final class Bundle implements Callable<Integer> {
    @Option(names = "--agent-jar", required = true) Path jar;
    @Option(names = "--lib", required = true, description = "directory of the agent's runtime jars") Path lib;
    @Option(names = "--version", required = true, description = "the version the agent will report") String version;
    @Option(names = "--migrations", description = "directory of configuration migrations (*.properties)") Path migrations;
    @Option(names = "--main-class", defaultValue = "io.fedge.agent.AgentMain") String mainClass;
    @Option(names = "--out", required = true) Path out;

    @Override
    public Integer call() throws Exception {
      BundleWriter.write(out, new BundleManifest(BundleManifest.FORMAT, version, mainClass,
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()), jar, lib, migrations);
      System.out.println("bundle " + out + " (" + Files.size(out) + " bytes, version " + version + ")");
      return 0;
    }
  }

  @Command(name = "add-target", description = "Add a bundle as a target and sign new targets, snapshot and timestamp.")
  static final class AddTarget implements Callable<Integer> {
    @Option(names = "--repo", required = true) Path repo;
    @Option(names = "--file", required = true) Path file;
    @Option(names = "--name", description = "target name (default: fedge-agent-<version>.bundle)") String name;
    @Option(names = "--key", required = true, description = "targets, snapshot and timestamp key files") List<Path> keys;

    @Override
    public Integer call() throws Exception {
      BundleManifest m;
      try (ZipFile z = new ZipFile(file.toFile())) {
        var e = z.getEntry(BundleManifest.FILE);
        if (e == null) {
          throw new IllegalArgumentException(file + " is not a bundle (no " + BundleManifest.FILE + ")");
        }
        m = BundleManifest.decode(new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      String n = name != null ? name : "fedge-agent-" + m.version() + ".bundle";
      var tf = repo(repo).addTarget(file, n, Map.of("version", m.version(), "kind", "agent-bundle"), keys(keys));
      System.out.println("added " + n + " (" + tf.length() + " bytes, sha256 " + tf.sha256() + ")");
      return 0;
    }
  }

  @Command(name = "sign", description = "Re-sign targets, snapshot and timestamp with fresh expiry dates.")
  static final class Sign implements Callable<Integer> {
    @Option(names = "--repo", required = true) Path repo;
    @Option(names = "--key", required = true) List<Path> keys;

    @Override
    public Integer call() throws Exception {
      repo(repo).resign(keys(keys));
      System.out.println("signed");
      return 0;
    }
  }

  @Command(name = "timestamp", description = "Sign a fresh timestamp (run it more often than the timestamp expires).")
  static final class Timestamp implements Callable<Integer> {
    @Option(names = "--repo", required = true) Path repo;
    @Option(names = "--key", required = true) List<Path> keys;

    @Override
    public Integer call() throws Exception {
      repo(repo).refreshTimestamp(keys(keys));
      System.out.println("timestamp signed");
      return 0;
    }
  }

  @Command(name = "rotate-root", description = "New root keys: the new root is signed by the old and the new root keys.")
  static final class RotateRoot implements Callable<Integer> {
    @Option(names = "--repo", required = true) Path repo;
    @Option(names = "--old-key", required = true) List<Path> oldKeys;
    @Option(names = "--new-key", required = true) List<Path> newKeys;
    @Option(names = "--threshold", defaultValue = "1") int threshold;
    @Option(names = "--targets-key", required = true) Path targets;
    @Option(names = "--snapshot-key", required = true) Path snapshot;
    @Option(names = "--timestamp-key", required = true) Path timestamp;

    @Override
    public Integer call() throws Exception {
      var root = repo(repo).rotateRoot(keys(oldKeys), keys(newKeys), threshold, SigningKey.read(targets),
          SigningKey.read(snapshot), SigningKey.read(timestamp));
      System.out.println("root version " + root.version() + " signed by old and new root keys");
      return 0;
    }
  }

  @Command(name = "publish", description = "Upload targets and metadata to the hub (ops token; hub pinned by CA fingerprint).")
  static final class Publish implements Callable<Integer> {
    @Option(names = "--repo", required = true) Path repo;
    @Option(names = "--hub", required = true, description = "hub URL, e.g. https://hub.example:7443") String hub;
    @Option(names = "--ca-fingerprint", required = true, description = "SHA-256 of the hub's root CA certificate (hex)") String fingerprint;
    @Option(names = "--token", required = true, description = "ops token (or FEDGE_OPS_TOKEN)", defaultValue = "${env:FEDGE_OPS_TOKEN}") String token;

    @Override
    public Integer call() throws Exception {
      Publisher.Result r = new Publisher(hub, fingerprint, token).publish(repo);
      System.out.println("published: " + r.uploadedTargets() + " target(s) uploaded, hub now at targets version "
          + r.targetsVersion());
      return 0;
    }
  }

  @Command(name = "install-first", description = "Install a first bundle into slot a of an appliance (image build).")
  static final class InstallFirst implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "the launcher's home (slots/, boot.properties)") Path home;
    @Option(names = "--bundle", required = true) Path bundle;

    @Override
    public Integer call() throws Exception {
      BundleManifest m = new SlotInstaller(home).installFirst(bundle);
      System.out.println("installed " + m.version() + " into " + home.resolve("slots/a"));
      return 0;
    }
  }
}
