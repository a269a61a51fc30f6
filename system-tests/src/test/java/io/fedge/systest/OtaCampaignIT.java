package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.ota.bundle.BundleManifest;
import io.fedge.ota.bundle.BundleWriter;
import io.fedge.ota.cli.Publisher;
import io.fedge.ota.slots.BootPointer;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.Roles;
import io.fedge.ota.tuf.SigningKey;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.LauncherAgent;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTA end to end: a real hub, three appliances each run by the A/B launcher from real agent builds.
 * The bundles are made here from the real agent jar and its lib/: v1, v2 and v3 carry the same
 * code and differ in the version in bundle.properties, which the launcher hands to the agent as
 * FEDGE_AGENT_AGENT_VERSION (the version it reports in heartbeats); v3 also carries a broken
 * configuration migration (mqtt.keepalive=1, below the allowed minimum), so it cannot start.
 */
class OtaCampaignIT {
  static final String V1 = "1.0.0-it";
  static final String V2 = "2.0.0-it";
  static final String V3 = "3.0.0-it";

  @TempDir Path dir;
  private HubProcess hub;
  private final List<LauncherAgent> agents = new ArrayList<>();

  @AfterEach
  void stopAll() {
    agents.forEach(LauncherAgent::kill);
    agents.forEach(a -> {
      long pid = a.agentPid();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    });
    if (hub != null) {
      hub.stop();
    }
  }

  static Path agentBuild(String what) {
    Path p = Path.of("..", "edge-agent", "target", what).toAbsolutePath().normalize();
    assertThat(p).as("the agent build (run the reactor through 'package')").exists();
    return p;
  }

  Path bundle(String version, String migration) throws Exception {
    Path mig = null;
    if (migration != null) {
      mig = dir.resolve("mig-" + version);
      Files.createDirectories(mig);
      Files.writeString(mig.resolve("001-settings.properties"), migration);
    }
    Path out = dir.resolve("fedge-agent-" + version + ".bundle");
    BundleWriter.write(out, new BundleManifest(BundleManifest.FORMAT, version, "io.fedge.agent.AgentMain",
        Instant.now().toString()), agentBuild("edge-agent.jar"), agentBuild("lib"), mig);
    return out;
  }

  @Test
  void campaignUpdatesThreeAppliancesAndABrokenReleaseRollsBackAndPausesItsCampaign() throws Exception {
    hub = HubProcess.start("ota-hub", dir.resolve("hub"), Map.of("ota.tick", "PT0.2S", "heartbeat.timeout", "PT10S"));
    OpsClient ops = hub.ops();

    // The release operator's side: keys and repository on "their machine" (the test's temp dir).
    ReleaseRepository repo = new ReleaseRepository(dir.resolve("repo"), Clock.systemUTC(), ReleaseRepository.Expiries.defaults());
    SigningKey root = SigningKey.generate("root");
    SigningKey targets = SigningKey.generate("targets");
    SigningKey snapshot = SigningKey.generate("snapshot");
    SigningKey timestamp = SigningKey.generate("timestamp");
    List<SigningKey> online = List.of(targets, snapshot, timestamp);
    repo.init(List.of(root), 1, targets, snapshot, timestamp);
    Path v1 = bundle(V1, null);
    Path v2 = bundle(V2, null);
    Path v3 = bundle(V3, "set.mqtt.keepalive=1\n");
    repo.addTarget(v2, v2.getFileName().toString(), Map.of("version", V2), online);
    repo.addTarget(v3, v3.getFileName().toString(), Map.of("version", V3), online);
    new Publisher(hub.url(), hub.caFingerprint(), HubProcess.OPS_TOKEN).publish(dir.resolve("repo"));
    // Device endpoints want a device certificate; the ops token is not one.
    assertThat(ops.get("/ota/v1/metadata/timestamp.json").status()).isEqualTo(401);
    long length = repo.read("targets.json", Roles.Targets.class, Roles.TARGETS).targets().get(v2.getFileName().toString()).length();

    for (int i = 1; i <= 3; i++) {
      agents.add(LauncherAgent.start("ota-agent-" + i, dir.resolve("agent-" + i), v1,
          dir.resolve("repo/metadata/1.root.json"), ops.mintClaimBundle("dealers", 3600), Duration.ofSeconds(40),
          // A cap on the download rate, as on a dealer's line, so the test can kill a download midway.
          Map.of("ota.download.rate", Integer.toString(6 * 1024 * 1024), "ota.retry.base", "PT0.5S")));
    }
    await("three appliances on " + V1).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
        .until(() -> versions(ops).equals(List.of(V1, V1, V1)));

    // Campaign 1: v2 to all, in two waves (one appliance, then everyone).
    Instant start = Instant.now();
    JsonNode c1 = ops.post("/api/v1/campaigns", Map.of("target", v2.getFileName().toString(),
        "selector", Map.of("group", "dealers", "fromVersion", V1), "waves", List.of(33, 100),
        "successRatio", 1.0, "maxFailureRatio", 0.0, "deviceTimeout", "PT3M")).body();
    assertThat(c1.path("state").asText()).as(c1.toString()).isEqualTo("RUNNING");
    String c1id = c1.path("id").asText();

    // kill -9 the first appliance's agent in the middle of its download.
    LauncherAgent first = await("a download in progress").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> agents.stream().filter(a -> durableBytes(a) > 1024 * 1024).findFirst().orElse(null), a -> a != null);
    Thread.sleep(100); // land the kill between two checkpoints (one every 256 KiB, ~40 ms at this rate)
    first.killAgent();
    Instant killed = Instant.now();
    // After the kill nothing writes: the partial file holds every byte received, the progress file
    // the durable checkpoint the next attempt resumes from.
    long receivedAtKill = partBytes(first);
    long durableAtKill = durableBytes(first);

    JsonNode done = await("campaign 1 completed").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300))
        .until(() -> ops.get("/api/v1/campaigns/" + c1id).body(), c -> !c.path("state").asText().equals("RUNNING"));
    Duration rollout = Duration.between(start, Instant.now());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("counts").path("UPDATED").asInt()).isEqualTo(3);
    await("every appliance reports " + V2 + " in its heartbeats").atMost(Duration.ofSeconds(30))
        .until(() -> versions(ops).equals(List.of(V2, V2, V2)));
    for (LauncherAgent a : agents) {
      BootPointer p = a.pointer();
      assertThat(p.active()).isEqualTo("b");
      assertThat(p.state()).isEqualTo(BootPointer.State.STABLE);
      assertThat(a.status().path("version").asText()).isEqualTo(V2);
    }
    String firstId = first.status().path("deviceId").asText();
    long requested = 0;
    for (JsonNode d : ops.get("/api/v1/releases/" + v2.getFileName() + "/downloads").body().path("downloads")) {
      if (d.path("deviceId").asText().equals(firstId)) {
        requested = d.path("bytesRequested").asLong();
      }
    }
    // Bytes received before the kill and after its last checkpoint are the ones fetched twice.
    long refetched = receivedAtKill - durableAtKill;
    assertThat(durableAtKill).isPositive();
    assertThat(requested).as("the resumed request asked only for the rest").isEqualTo(length + (length - durableAtKill));
    assertThat(refetched).isBetween(0L, 1024L * 1024);

    // Campaign 2: the broken v3. The first appliance fails its trial, rolls back by itself, and the campaign pauses.
    JsonNode c2 = ops.post("/api/v1/campaigns", Map.of("target", v3.getFileName().toString(),
        "waves", List.of(33, 100), "successRatio", 1.0, "maxFailureRatio", 0.0, "deviceTimeout", "PT3M")).body();
    String c2id = c2.path("id").asText();
    JsonNode installed = await("v3 installed on one appliance").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> ops.get("/api/v1/campaigns/" + c2id).body(),
            c -> c.path("counts").path("INSTALLED").asInt() + c.path("counts").path("FAILED").asInt() > 0);
    Instant switched = Instant.now();
    JsonNode paused = await("campaign 2 paused by the failure").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> ops.get("/api/v1/campaigns/" + c2id).body(), c -> c.path("state").asText().equals("PAUSED"));
    Duration rollback = Duration.between(switched, Instant.now());
    assertThat(paused.path("counts").path("FAILED").asInt()).as(paused.toString()).isEqualTo(1);
    assertThat(paused.path("counts").path("PENDING").asInt()).isEqualTo(2);
    assertThat(paused.path("reason").asText()).contains("failed");
    JsonNode failedDevice = null;
    for (JsonNode d : paused.path("devices")) {
      if (d.path("state").asText().equals("FAILED")) {
        failedDevice = d;
      }
    }
    assertThat(failedDevice.path("detail").asText()).startsWith("rolled-back");
    LauncherAgent victim = agents.stream().filter(a -> a.status().path("deviceId").asText().equals(
        paused.path("devices").get(0).path("deviceId").asText())).findFirst().orElseThrow();
    await("the rolled-back appliance is back on " + V2).atMost(Duration.ofSeconds(30))
        .until(() -> versions(ops).equals(List.of(V2, V2, V2)));
    assertThat(agents.stream().map(LauncherAgent::pointer).filter(p -> p.outcome().equals("rolled-back")).count()).isEqualTo(1);
    assertThat(installed).isNotNull();
    assertThat(victim).isNotNull();

    String figures = "OTA figures: bundle " + length + " bytes; download killed after " + receivedAtKill
        + " bytes received, resumed from the checkpoint at " + durableAtKill + " (re-fetched " + refetched + " bytes); campaign start"
        + " to 3/3 updated " + rollout.toMillis() + " ms (kill at +" + Duration.between(start, killed).toMillis()
        + " ms); v3 switch to rollback reported and campaign paused " + rollback.toMillis() + " ms";
    System.out.println(figures);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "ota-figures.txt"), figures + "\n");
  }

  private static List<String> versions(OpsClient ops) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : ops.devices()) {
      if (d.path("online").asBoolean()) {
        out.add(d.path("agentVersion").asText());
      }
    }
    return out;
  }

  private static long partBytes(LauncherAgent a) {
    try (var s = Files.list(a.data().resolve("ota").resolve("downloads"))) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().endsWith(".part")) {
          return Files.size(p);
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return 0;
  }

  private static long durableBytes(LauncherAgent a) {
    Path downloads = a.data().resolve("ota").resolve("downloads");
    try (var s = Files.list(downloads)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().endsWith(".progress")) {
          Properties props = new Properties();
          props.load(new java.io.StringReader(Files.readString(p)));
          return Long.parseLong(props.getProperty("durable", "0"));
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return 0;
  }
}
