package io.fedge.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.ota.tuf.DirectoryMetadataSource;
import io.fedge.ota.tuf.DirectoryTrustStore;
import io.fedge.ota.tuf.TargetCheck;
import io.fedge.ota.tuf.TufClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands, run in process: init, bundle, add-target, timestamp, rotate-root, install-first. */
class OtaCliTest {
  @TempDir Path tmp;

  int run(String... args) {
    return OtaCli.commandLine().execute(args);
  }

  @Test
  void anOperatorCanInitBundleAddSignRotateAndAClientFollows() throws Exception {
    Path repo = tmp.resolve("repo");
    Path keys = tmp.resolve("keys");
    assertThat(run("init", "--repo", repo.toString(), "--keys", keys.toString(), "--root-keys", "2", "--root-threshold", "2")).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("targets.key")))).isEqualTo("rw-------");

    Path jar = Files.writeString(tmp.resolve("agent.jar"), "jar");
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(lib.resolve("dep.jar"), "dep");
    Path bundle = tmp.resolve("b.bundle");
    assertThat(run("bundle", "--agent-jar", jar.toString(), "--lib", lib.toString(), "--version", "2.0.0",
        "--out", bundle.toString())).isZero();
    String[] online = {"--key", keys.resolve("targets.key").toString(), "--key", keys.resolve("snapshot.key").toString(),
        "--key", keys.resolve("timestamp.key").toString()};
    String[] add = concat(new String[] {"add-target", "--repo", repo.toString(), "--file", bundle.toString()}, online);
    assertThat(run(add)).isZero();
    assertThat(run("timestamp", "--repo", repo.toString(), "--key", keys.resolve("timestamp.key").toString())).isZero();
    // Signing with a key of the wrong role fails with a clear error and exit code 1.
    assertThat(run("timestamp", "--repo", repo.toString(), "--key", keys.resolve("targets.key").toString())).isEqualTo(1);

    Path trust = Files.createDirectories(tmp.resolve("trust"));
    Files.copy(repo.resolve("metadata/1.root.json"), trust.resolve("root.json"));
    TufClient client = new TufClient(new DirectoryTrustStore(trust), new DirectoryMetadataSource(repo.resolve("metadata")),
        Clock.systemUTC());
    var target = client.refresh().target("fedge-agent-2.0.0.bundle").orElseThrow();
    assertThat(target.custom()).containsEntry("version", "2.0.0").containsEntry("kind", "agent-bundle");
    TargetCheck.verify(repo.resolve("targets/fedge-agent-2.0.0.bundle"), target);

    Path newKeys = tmp.resolve("new-keys");
    assertThat(run("init", "--repo", tmp.resolve("scratch").toString(), "--keys", newKeys.toString())).isZero();
    assertThat(run("rotate-root", "--repo", repo.toString(),
        "--old-key", keys.resolve("root-1.key").toString(), "--old-key", keys.resolve("root-2.key").toString(),
        "--new-key", newKeys.resolve("root-1.key").toString(), "--threshold", "1",
        "--targets-key", keys.resolve("targets.key").toString(), "--snapshot-key", keys.resolve("snapshot.key").toString(),
        "--timestamp-key", keys.resolve("timestamp.key").toString())).isZero();
    assertThat(client.refresh().root().version()).isEqualTo(2);

    Path home = tmp.resolve("home");
    assertThat(run("install-first", "--home", home.toString(), "--bundle", bundle.toString())).isZero();
    assertThat(home.resolve("slots/a/app/agent.jar")).hasContent("jar");
    assertThat(run("install-first", "--home", home.toString(), "--bundle", bundle.toString())).isEqualTo(1);
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
