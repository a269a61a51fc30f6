package io.fedge.systest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The hub's REST API as an operator's script would call it: HTTPS pinned to the hub CA, bearer token. */
public final class OpsClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A response: status and parsed JSON body. */
  public record Response(int status, JsonNode body) {}

  private final String base;
  private final String token;
  private final HttpClient http;

  public OpsClient(String base, String caFingerprint, String token) {
    this.base = base;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.pinnedClient(caFingerprint))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), token);
  }

  public Response post(String path, Object body) {
    return post(path, body, token);
  }

  public Response post(String path, Object body, String bearer) {
    try {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
          bearer);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Response postRaw(String path, String rawBody) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(rawBody)),
        null);
  }

  private Response send(HttpRequest.Builder b, String bearer) {
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    b.timeout(Duration.ofSeconds(20));
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new Response(r.statusCode(), body);
    } catch (IOException e) {
      throw new IllegalStateException("request to the hub failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Mints a claim token and returns the claim bundle JSON the hub made for it. */
  public JsonNode mintClaimBundle(String group, long ttlSeconds) {
    Response r = post("/api/v1/claim-tokens", Map.of("group", group, "ttlSeconds", ttlSeconds));
    if (r.status() != 201) {
      throw new IllegalStateException("minting a claim token failed: " + r);
    }
    return r.body().get("claimBundle");
  }

  public JsonNode device(String id) {
    Response r = get("/api/v1/devices/" + id);
    return r.status() == 200 ? r.body() : null;
  }

  public JsonNode devices() {
    return get("/api/v1/devices").body().get("devices");
  }
}
