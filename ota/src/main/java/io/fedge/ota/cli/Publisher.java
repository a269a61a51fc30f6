package io.fedge.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.Roles;
import io.fedge.ota.tuf.TufException;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Uploads a release repository to the hub: each target ({@code PUT /api/v1/ota/targets/{name}}),
 * then the metadata set ({@code POST /api/v1/releases}), which the hub verifies against the root
 * chain it already trusts before serving any of it.
 */
public final class Publisher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROOT_FILE = Pattern.compile("([0-9]+)\\.root\\.json");

  public record Result(int uploadedTargets, long targetsVersion) {}

  private final String hub;
  private final String token;
  private final HttpClient http;

  public Publisher(String hub, String caFingerprint, String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("an ops token is needed (--token or FEDGE_OPS_TOKEN)");
    }
    this.hub = hub.endsWith("/") ? hub.substring(0, hub.length() - 1) : hub;
    this.token = token;
    this.http = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(caFingerprint))
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  public Result publish(Path repoDir) throws IOException, InterruptedException, TufException {
    ReleaseRepository repo = new ReleaseRepository(repoDir, Clock.systemUTC(), ReleaseRepository.Expiries.defaults());
    Roles.Targets targets = repo.read("targets.json", Roles.Targets.class, Roles.TARGETS);
    int uploaded = 0;
    for (String name : targets.targets().keySet()) {
      Path f = repo.targetsDir().resolve(name);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub + "/api/v1/ota/targets/" + name))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/octet-stream")
          .timeout(Duration.ofMinutes(10))
          .PUT(HttpRequest.BodyPublishers.ofFile(f)).build(), HttpResponse.BodyHandlers.ofString());
      check(r, "uploading target " + name);
      if (r.statusCode() == 201) {
        uploaded++;
      }
    }
    ObjectNode body = JSON.createObjectNode();
    var roots = body.putArray("roots");
    try (var s = Files.list(repo.metadataDir())) {
      for (Path p : s.filter(p -> ROOT_FILE.matcher(p.getFileName().toString()).matches())
          .sorted(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().split("\\.")[0])))
          .toList()) {
        roots.add(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    for (String role : new String[] {"targets", "snapshot", "timestamp"}) {
      body.put(role, Files.readString(repo.metadataDir().resolve(role + ".json"), StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub + "/api/v1/releases"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofMinutes(1))
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    check(r, "publishing metadata");
    JsonNode answer = JSON.readTree(r.body());
    return new Result(uploaded, answer.path("targetsVersion").asLong());
  }

  private static void check(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException(what + ": hub answered " + r.statusCode() + " " + r.body());
    }
  }
}
