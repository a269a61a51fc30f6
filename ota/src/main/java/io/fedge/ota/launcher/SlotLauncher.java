package io.fedge.ota.launcher;

import io.fedge.ota.bundle.BundleLayout;
import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.slots.BootPointer;
import io.fedge.ota.slots.SlotInstaller;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The appliance's launcher: reads the A/B boot pointer, runs the agent JVM from the active slot and
 * starts it again whenever it exits, and decides trials. It uses nothing but the JDK and the
 * pointer/manifest classes beside it, never the agent's code, so no update can break it.
 *
 * <pre>
 * loop:
 *   lock pointer
 *     TRIAL and trialBoots &gt;= max  -&gt; roll back: active=previous, outcome=rolled-back
 *     TRIAL                         -&gt; trialBoots += 1 (persisted before the start)
 *   start java -cp slot/app/agent.jar:slot/app/lib/* &lt;main-class&gt; ...
 *     env FEDGE_AGENT_AGENT_VERSION=&lt;bundle version&gt;, FEDGE_AGENT_OTA_HOME, FEDGE_AGENT_OTA_SLOT
 *   TRIAL: wait for the agent to confirm (pointer STABLE) within the health timeout;
 *          no confirmation in time -&gt; roll back under the lock, stop the agent, loop
 *   agent exits: 0 -&gt; launcher exits 0; anything else (75 = restart into the new pointer) -&gt; loop
 * </pre>
 *
 * A kill -9 of the launcher or the agent at any point leaves a pointer the next loop can act on:
 * a trial that was started and never confirmed is rolled back.
 */
public final class SlotLauncher {
  /** Exit code with which the agent asks to be started again (after switching the pointer). */
  public static final int RESTART = 75;

  public record Options(Path home, String java, List<String> jvmOptions, Duration healthTimeout, int maxTrialBoots,
      List<String> agentArgs) {}

  private final Options o;
  private volatile Process child;
  private volatile boolean stopping;
  /** Exit code of the last trial run that ended on its own, for the rollback reason. */
  private volatile Integer trialExit;

  public SlotLauncher(Options o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    Path home = null;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> jvm = new ArrayList<>();
    Duration health = Duration.ofSeconds(120);
    int trials = 1;
    List<String> agentArgs = new ArrayList<>();
    Path installFirst = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--home" -> home = Path.of(args[++i]);
        case "--java" -> java = args[++i];
        case "--jvm-opt" -> jvm.add(args[++i]);
        case "--health-timeout" -> health = Duration.parse(args[++i]);
        case "--trial-boots" -> trials = Integer.parseInt(args[++i]);
        case "--install-first" -> installFirst = Path.of(args[++i]);
        case "--" -> {
          agentArgs.addAll(List.of(args).subList(i + 1, args.length));
          i = args.length;
        }
        default -> {
          System.err.println("usage: launcher --home DIR [--install-first BUNDLE] [--health-timeout PT120S]"
              + " [--trial-boots 1] [--java PATH] [--jvm-opt OPT]... [-- AGENT ARGS]");
          System.exit(2);
        }
      }
    }
    if (home == null) {
      System.err.println("launcher: --home is required");
      System.exit(2);
    }
    if (installFirst != null) {
      BundleManifest m = new SlotInstaller(home).installFirst(installFirst);
      log("installed " + m.version() + " into slot a");
      return;
    }
    SlotLauncher l = new SlotLauncher(new Options(home, java, jvm, health, trials, agentArgs));
    Runtime.getRuntime().addShutdownHook(new Thread(l::stop, "launcher-stop"));
    System.exit(l.run());
  }

  /** Runs until the agent exits with 0 or the launcher is stopped; returns the exit code. */
  public int run() throws IOException, InterruptedException {
    Duration backoff = Duration.ofSeconds(1);
    while (!stopping) {
      BootPointer p = BootPointer.update(o.home(), this::decide);
      Path slot = o.home().resolve(SlotInstaller.SLOTS).resolve(p.active());
      BundleManifest m;
      try {
        m = BundleManifest.read(slot);
      } catch (IOException | IllegalArgumentException e) {
        if (p.previous() != null && p.state() == BootPointer.State.STABLE && p.outcome().equals("none")) {
          log("slot " + p.active() + " is unreadable (" + e.getMessage() + "); booting slot " + p.previous());
          BootPointer.update(o.home(), cur -> cur.rolledBack("unknown", "slot " + cur.active() + " unreadable"));
          continue;
        }
        throw e;
      }
      Instant started = Instant.now();
      log("starting agent " + m.version() + " from slot " + p.active() + (p.state() == BootPointer.State.TRIAL ? " (trial)" : ""));
      child = start(slot, m, p.active());
      trialExit = null;
      Integer code = p.state() == BootPointer.State.TRIAL ? superviseTrial(m) : null;
      if (code == null) {
        code = child.waitFor();
      } else if (p.state() == BootPointer.State.TRIAL) {
        trialExit = code;
      }
      log("agent exited with " + code);
      if (stopping || code == 0) {
        return 0;
      }
      if (code != RESTART && Duration.between(started, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
      } else {
        backoff = Duration.ofSeconds(1);
      }
    }
    return 0;
  }

  /** The decision taken under the pointer lock before each start. */
  BootPointer decide(BootPointer cur) {
    if (cur.state() != BootPointer.State.TRIAL) {
      return cur;
    }
    if (cur.trialBoots() >= o.maxTrialBoots()) {
      String v = versionOf(cur.active());
      log("slot " + cur.active() + " (" + v + ") did not confirm its health; rolling back to slot " + cur.previous());
      Integer code = trialExit;
      return cur.rolledBack(v, code != null
          ? "the new version exited with code " + code + " before it confirmed its health"
          : "the new version was started " + cur.trialBoots() + " time(s) and never confirmed its health"
              + " (killed or power lost during its first start)");
    }
    return cur.withTrialBoot();
  }

  /** Waits for confirmation or exit; on timeout rolls back and stops the agent. Returns its exit code, or null if still running confirmed. */
  private Integer superviseTrial(BundleManifest m) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(o.healthTimeout());
    while (Instant.now().isBefore(deadline)) {
      if (child.waitFor(200, TimeUnit.MILLISECONDS)) {
        return child.exitValue();
      }
      if (BootPointer.read(o.home()).map(b -> b.state() == BootPointer.State.STABLE).orElse(false)) {
        log("agent " + m.version() + " confirmed its health");
        return null;
      }
    }
    BootPointer after = BootPointer.update(o.home(), cur -> cur.state() == BootPointer.State.TRIAL
        ? cur.rolledBack(m.version(), "the new version did not reconnect and heartbeat within " + o.healthTimeout())
        : cur);
    if (after.outcome().equals("rolled-back")) {
      log("agent " + m.version() + " missed its health deadline; rolled back to slot " + after.active());
      stopChild();
      return child.exitValue();
    }
    return null; // it confirmed just in time
  }

  private Process start(Path slot, BundleManifest m, String slotName) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(o.java());
    cmd.addAll(o.jvmOptions());
    cmd.add("-cp");
    cmd.add(slot.resolve(BundleLayout.AGENT_JAR) + File.pathSeparator + slot.resolve("app").resolve("lib") + File.separator + "*");
    cmd.add(m.mainClass());
    cmd.addAll(o.agentArgs());
    Path cfg = slot.resolve(BundleLayout.CONFIG);
    if (Files.isRegularFile(cfg)) {
      cmd.add("--config");
      cmd.add(cfg.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    Map<String, String> env = pb.environment();
    env.put("FEDGE_AGENT_AGENT_VERSION", m.version());
    env.put("FEDGE_AGENT_OTA_HOME", o.home().toAbsolutePath().toString());
    env.put("FEDGE_AGENT_OTA_SLOT", slotName);
    return pb.start();
  }

  private String versionOf(String slot) {
    try {
      return BundleManifest.read(o.home().resolve(SlotInstaller.SLOTS).resolve(slot)).version();
    } catch (IOException | IllegalArgumentException e) {
      return "unknown";
    }
  }

  private void stopChild() throws InterruptedException {
    Process c = child;
    if (c == null) {
      return;
    }
    c.destroy();
    if (!c.waitFor(10, TimeUnit.SECONDS)) {
      c.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  public void stop() {
    stopping = true;
    try {
      stopChild();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String msg) {
    System.out.println(Instant.now() + " fedge-launcher: " + msg);
    System.out.flush();
  }
}
