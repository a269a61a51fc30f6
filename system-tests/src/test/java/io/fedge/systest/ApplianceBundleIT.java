package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.ota.slots.BootPointer;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.ImageArtifacts;
import io.fedge.systest.support.OpsClient;
import io.fedge.systest.support.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance bundle as a technician installs it: unpacked with tar, laid out by its install script under a
 * temporary root, started through its own start script (A/B launcher on the bundled jlink runtime); the agent
 * enrolls with a real hub from the claim bundle by itself, comes online, and stops cleanly on SIGTERM.
 */
class ApplianceBundleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HubProcess hub;
  private Process appliance;

  @AfterEach
  void stopAll() {
    if (appliance != null && appliance.isAlive()) {
      appliance.descendants().forEach(ProcessHandle::destroyForcibly);
      appliance.destroyForcibly();
    }
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void installedApplianceEnrollsByItselfThroughItsLauncherOnTheBundledRuntimeAndStopsCleanly() throws Exception {
    hub = HubProcess.start("appliance-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    Path claim = dir.resolve("claim.json");
    Files.writeString(claim, JSON.writeValueAsString(ops.mintClaimBundle("appliances", 3600)));

    Path unpacked = dir.resolve("unpacked");
    Files.createDirectories(unpacked);
    run(dir, "tar", "-xzf", ImageArtifacts.applianceBundle().toString(), "-C", unpacked.toString());
    Path bundleDir;
    try (Stream<Path> s = Files.list(unpacked)) {
      bundleDir = s.filter(p -> p.getFileName().toString().startsWith("fedge-appliance-")).findFirst().orElseThrow();
    }
    Path root = dir.resolve("root");
    run(dir, bundleDir.resolve("install.sh").toString(), "--prefix", root.toString(), "--claim", claim.toString());

    Path app = root.resolve("opt/fedge");
    Path state = root.resolve("var/lib/fedge");
    Path java = app.resolve("jre/bin/java");
    assertThat(java).isExecutable();
    assertThat(app.resolve("launcher/ota.jar")).isRegularFile();
    Properties slotA = new Properties();
    try (var in = Files.newInputStream(state.resolve("home/slots/a/bundle.properties"))) {
      slotA.load(in);
    }
    String version = slotA.getProperty("version");
    assertThat(BootPointer.read(state.resolve("home")).orElseThrow().active()).isEqualTo("a");
    Path placedClaim = state.resolve("data/claim.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(placedClaim))).isEqualTo("rw-------");
    String unit = Files.readString(root.resolve("etc/systemd/system/fedge-agent.service"));
    assertThat(unit).contains("ExecStart=/opt/fedge/bin/fedge-agent", "User=fedge", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "StateDirectory=fedge", "Restart=on-failure");
    // the runtime is the minimal one: no compiler, only the modules the agent and launcher need
    String modules = run(dir, java.toString(), "--list-modules");
    assertThat(modules).contains("java.base", "java.sql", "jdk.crypto.ec").doesNotContain("jdk.compiler", "java.scripting");

    // started as systemd would: its state directory, its configuration, nothing inherited
    Path log = Path.of("target", "it-logs", "appliance-agent.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(app.resolve("bin/fedge-agent").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FEDGE_") || k.startsWith("JAVA"));
    pb.environment().put("STATE_DIRECTORY", state.toString());
    pb.environment().put("FEDGE_CONF_DIR", root.resolve("etc/fedge").toString());
    pb.environment().put("FEDGE_AGENT_DASHBOARD_PORT", Integer.toString(Ports.free()));
    pb.environment().put("FEDGE_AGENT_HEARTBEAT_INTERVAL", "PT1S");
    pb.environment().put("FEDGE_AGENT_BACKOFF_CAP", "PT2S");
    appliance = pb.start();

    await("the appliance enrolled by itself and is online at the hub")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the appliance exited:\n" + Files.readString(log), () -> !appliance.isAlive())
        .until(() -> onlineDevice(ops).isPresent());
    JsonNode device = onlineDevice(ops).orElseThrow();
    assertThat(device.path("group").asText()).isEqualTo("appliances");
    assertThat(device.path("agentVersion").asText()).isEqualTo(version);
    assertThat(placedClaim).as("the spent claim bundle is removed").doesNotExist();

    // the launcher and the agent both run on the bundled runtime, the agent with the lean flags
    assertThat(appliance.info().command()).hasValue(java.toString());
    long agentPid = JSON.readTree(state.resolve("data/run/agent.json").toFile()).path("pid").asLong();
    ProcessHandle agent = ProcessHandle.of(agentPid).orElseThrow();
    assertThat(agent.info().command()).hasValue(java.toString());
    assertThat(agent.info().arguments().map(List::of).orElseThrow()).contains("-Xmx192m", "-XX:+UseSerialGC");

    appliance.destroy(); // SIGTERM, as systemctl stop sends it
    assertThat(appliance.waitFor(30, TimeUnit.SECONDS)).as("launcher stopped within 30 s").isTrue();
    assertThat(appliance.exitValue()).as("exit status (0, or 143 for SIGTERM: SuccessExitStatus)").isIn(0, 143);
    assertThat(agent.onExit().get(10, TimeUnit.SECONDS).isAlive()).as("agent stopped with its launcher").isFalse();
    BootPointer after = BootPointer.read(state.resolve("home")).orElseThrow();
    assertThat(after.active()).isEqualTo("a");
    assertThat(after.state()).isEqualTo(BootPointer.State.STABLE);
  }

  private static Optional<JsonNode> onlineDevice(OpsClient ops) {
    JsonNode devices = ops.devices();
    if (devices == null) {
      return Optional.empty();
    }
    for (JsonNode d : devices) {
      if (d.path("online").asBoolean() && d.has("resources")) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd[0]).isTrue();
    assertThat(p.exitValue()).as("%s exit status; output:\n%s", String.join(" ", cmd), out).isZero();
    return out;
  }
}
