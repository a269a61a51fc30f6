package io.fedge.ota.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.ota.bundle.BundleLayout;
import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.bundle.BundleWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash (kill -9, power loss) at each step of install and switch leaves a pointer to a complete,
 * bootable slot, and a later install completes.
 */
class SlotInstallerCrashTest {
  @TempDir Path tmp;

  static final class Crash extends IOException {
    private static final long serialVersionUID = 1L;

    Crash(String step) {
      super("simulated crash before " + step);
    }
  }

  Path bundle(String version, String migration) throws IOException {
    Path jar = tmp.resolve("agent-" + version + ".jar");
    Files.writeString(jar, "jar of " + version);
    Path lib = tmp.resolve("lib-" + version);
    Files.createDirectories(lib);
    Files.writeString(lib.resolve("dep.jar"), "dep");
    Path mig = null;
    if (migration != null) {
      mig = tmp.resolve("mig-" + version);
      Files.createDirectories(mig);
      Files.writeString(mig.resolve("001-rename.properties"), migration);
    }
    Path out = tmp.resolve(version + ".bundle");
    BundleWriter.write(out, new BundleManifest(BundleManifest.FORMAT, version, "io.fedge.agent.AgentMain", "2026-11-23T10:00:00Z"),
        jar, lib, mig);
    return out;
  }

  static void assertBootable(Path home, String expectedVersion) throws IOException {
    BootPointer p = BootPointer.read(home).orElseThrow();
    Path slot = home.resolve("slots").resolve(p.active());
    assertThat(BundleManifest.read(slot).version()).isEqualTo(expectedVersion);
    assertThat(Files.readString(slot.resolve(BundleLayout.AGENT_JAR))).isEqualTo("jar of " + expectedVersion);
    assertThat(slot.resolve("app/lib/dep.jar")).exists();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unpack", "migrate", "replace-slot", "rename-staging", "switch"})
  void crashAtAnyInstallStepLeavesTheRunningSlotBootable(String step) throws Exception {
    Path home = tmp.resolve("home");
    new SlotInstaller(home).installFirst(bundle("1.0.0", null));
    Path v2 = bundle("2.0.0", null);
    SlotInstaller crashing = new SlotInstaller(home, s -> {
      if (s.equals(step)) {
        throw new Crash(s);
      }
    });
    assertThatThrownBy(() -> crashing.switchTo(crashing.install(v2))).isInstanceOf(Crash.class);
    assertBootable(home, "1.0.0");
    assertThat(BootPointer.read(home).orElseThrow().state()).isEqualTo(BootPointer.State.STABLE);

    SlotInstaller honest = new SlotInstaller(home);
    BootPointer p = honest.switchTo(honest.install(v2));
    assertThat(p.state()).isEqualTo(BootPointer.State.TRIAL);
    assertThat(p.previous()).isEqualTo("a");
    assertBootable(home, "2.0.0");
    assertThat(home.resolve("slots/.staging")).doesNotExist();
  }

  @Test
  void migrationsChangeOnlyTheNewSlotsConfiguration() throws Exception {
    Path home = tmp.resolve("home");
    SlotInstaller inst = new SlotInstaller(home);
    inst.installFirst(bundle("1.0.0", null));
    Files.writeString(home.resolve("slots/a/agent.properties"), "heartbeat.interval=PT15S\nold.key=x\n");
    inst.switchTo(inst.install(bundle("2.0.0", "rename.old.key=new.key\nset.outbox.max.rows=5000\n")));
    String b = Files.readString(home.resolve("slots/b/agent.properties"));
    assertThat(b).contains("new.key=x").contains("outbox.max.rows=5000").contains("heartbeat.interval=PT15S").doesNotContain("old.key");
    assertThat(Files.readString(home.resolve("slots/a/agent.properties"))).contains("old.key=x");
  }

  @Test
  void rollbackPointsBackAtThePreviousSlotAndRecordsTheOutcome() throws Exception {
    Path home = tmp.resolve("home");
    SlotInstaller inst = new SlotInstaller(home);
    inst.installFirst(bundle("1.0.0", null));
    inst.switchTo(inst.install(bundle("2.0.0", null)));
    BootPointer after = BootPointer.update(home, p -> p.rolledBack("2.0.0", "no heartbeat"));
    assertThat(after.active()).isEqualTo("a");
    assertThat(after.outcome()).isEqualTo("rolled-back");
    assertThat(after.reported()).isFalse();
    assertBootable(home, "1.0.0");
    assertThat(BootPointer.read(home).orElseThrow()).isEqualTo(after);
  }

  @Test
  void aSlotOnTrialCannotBeOverwritten() throws Exception {
    Path home = tmp.resolve("home");
    SlotInstaller inst = new SlotInstaller(home);
    inst.installFirst(bundle("1.0.0", null));
    inst.switchTo(inst.install(bundle("2.0.0", null)));
    assertThatThrownBy(() -> inst.install(bundle("3.0.0", null))).hasMessageContaining("on trial");
  }

  @Test
  void bundleEntriesOutsideTheLayoutAreRefused() throws Exception {
    Path home = tmp.resolve("home");
    Path evil = tmp.resolve("evil.bundle");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil))) {
      zip.putNextEntry(new java.util.zip.ZipEntry(BundleManifest.FILE));
      zip.write(new BundleManifest(BundleManifest.FORMAT, "6.6.6", "x.Main", "").encode().getBytes());
      zip.putNextEntry(new java.util.zip.ZipEntry("app/lib/../../../../etc/cron.d/x.jar"));
      zip.write(1);
    }
    assertThatThrownBy(() -> new SlotInstaller(home).installFirst(evil)).hasMessageContaining("not allowed");
  }
}
