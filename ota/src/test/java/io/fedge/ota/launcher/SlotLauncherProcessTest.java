package io.fedge.ota.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.bundle.BundleWriter;
import io.fedge.ota.slots.BootPointer;
import io.fedge.ota.slots.SlotInstaller;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a real process running real child JVMs from A/B slots, killed with SIGKILL at
 * the first start of a new version, and itself killed during a trial (a power cut).
 */
class SlotLauncherProcessTest {
  @TempDir Path tmp;
  Path home;
  Process launcher;

  @BeforeEach
  void setUp() throws Exception {
    home = tmp.resolve("home");
    new SlotInstaller(home).installFirst(bundle("1.0.0"));
  }

  @AfterEach
  void tearDown() {
    if (launcher != null) {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
    runningPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  Path bundle(String version) throws IOException {
    Path jar = tmp.resolve("fixture-" + version + ".jar");
    String cls = "io/fedge/ota/launcher/TrialFixtureMain.class";
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
      j.putNextEntry(new JarEntry(cls));
      try (var in = TrialFixtureMain.class.getClassLoader().getResourceAsStream(cls)) {
        in.transferTo(j);
      }
    }
    Path lib = Files.createDirectories(tmp.resolve("lib-" + version));
    Path out = tmp.resolve(version + ".bundle");
    BundleWriter.write(out, new BundleManifest(BundleManifest.FORMAT, version, TrialFixtureMain.class.getName(), ""),
        jar, lib, null);
    return out;
  }

  void startLauncher(Duration healthTimeout) throws IOException {
    launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SlotLauncher.class.getName(),
        "--home", home.toString(), "--health-timeout", healthTimeout.toString(), "--jvm-opt", "-Xmx24m")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("launcher.log").toFile()).start();
  }

  String running() {
    try {
      return Files.readString(home.resolve("running"));
    } catch (IOException e) {
      return "";
    }
  }

  java.util.Optional<Long> runningPid() {
    String[] parts = running().split(" ");
    return parts.length < 2 ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(parts[1]));
  }

  void awaitRunning(String version) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!running().startsWith(version + " ") || runningPid().flatMap(ProcessHandle::of).map(p -> !p.isAlive()).orElse(true)) {
      assertThat(Instant.now()).as("%s running; launcher log:%n%s", version, Files.readString(tmp.resolve("launcher.log")))
          .isBefore(deadline);
      Thread.sleep(50);
    }
  }

  void killRunning() {
    ProcessHandle p = ProcessHandle.of(runningPid().orElseThrow()).orElseThrow();
    p.destroyForcibly();
    p.onExit().join();
  }

  /** The agent's part of an update: install into the other slot, switch, and exit (here: killed) to restart. */
  void updateTo(String version) throws Exception {
    SlotInstaller inst = new SlotInstaller(home);
    inst.switchTo(inst.install(bundle(version)));
    killRunning();
  }

  BootPointer pointer() throws IOException {
    return BootPointer.read(home).orElseThrow();
  }

  // kill -9 at first start: the launcher counted the trial boot before starting it, so it rolls back.
  @Test
  void newVersionKilledDuringItsFirstStartIsRolledBackAndTheOldSlotRuns() throws Exception {
    startLauncher(Duration.ofSeconds(60));
    awaitRunning("1.0.0");
    updateTo("2.0.0");
    awaitRunning("2.0.0");
    assertThat(pointer().state()).isEqualTo(BootPointer.State.TRIAL);
    killRunning();
    awaitRunning("1.0.0");
    BootPointer p = pointer();
    assertThat(p.active()).isEqualTo("a");
    assertThat(p.outcome()).isEqualTo("rolled-back");
    assertThat(p.outcomeVersion()).isEqualTo("2.0.0");
    assertThat(p.reported()).isFalse();
  }

  @Test
  void newVersionThatNeverConfirmsIsRolledBackAfterTheHealthTimeout() throws Exception {
    startLauncher(Duration.ofSeconds(3));
    awaitRunning("1.0.0");
    updateTo("2.0.0");
    awaitRunning("2.0.0");
    awaitRunning("1.0.0");
    assertThat(pointer().outcomeDetail()).contains("did not reconnect");
  }

  @Test
  void newVersionThatCrashesAtStartIsRolledBack() throws Exception {
    startLauncher(Duration.ofSeconds(60));
    awaitRunning("1.0.0");
    updateTo("crash-2.0.0");
    awaitRunning("1.0.0");
    assertThat(pointer().outcomeDetail()).contains("exited with code 3");
  }

  @Test
  void confirmedNewVersionKeepsRunningPastTheHealthTimeout() throws Exception {
    startLauncher(Duration.ofSeconds(3));
    awaitRunning("1.0.0");
    updateTo("2.0.0");
    awaitRunning("2.0.0");
    BootPointer.update(home, cur -> cur.confirmed("2.0.0")); // what the agent does once it is healthy
    Thread.sleep(4000);
    assertThat(running()).startsWith("2.0.0 ");
    assertThat(pointer().active()).isEqualTo("b");
    assertThat(pointer().state()).isEqualTo(BootPointer.State.STABLE);
    // and after a crash of the confirmed version it is simply started again
    killRunning();
    awaitRunning("2.0.0");
  }

  // Power cut during the trial: launcher and agent die together; the next launcher start rolls back.
  @Test
  void launcherKilledDuringATrialRollsBackWhenItStartsAgain() throws Exception {
    startLauncher(Duration.ofSeconds(60));
    awaitRunning("1.0.0");
    updateTo("2.0.0");
    awaitRunning("2.0.0");
    launcher.destroyForcibly().waitFor();
    killRunning();
    startLauncher(Duration.ofSeconds(60));
    awaitRunning("1.0.0");
    assertThat(pointer().outcome()).isEqualTo("rolled-back");
    assertThat(pointer().active()).isEqualTo("a");
    assertThat(List.of(pointer().previous())).containsExactly("b");
  }
}
