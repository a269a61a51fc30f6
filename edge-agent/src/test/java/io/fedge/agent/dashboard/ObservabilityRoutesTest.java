package io.fedge.agent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedge.federation.metrics.PrometheusMetrics;
import io.fedge.federation.metrics.Readiness;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's /readyz and /metrics on a real Vert.x server. */
class ObservabilityRoutesTest {
  private static final String TOKEN = "agent-metrics-token-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean connected = new AtomicBoolean();
  private Vertx vertx;
  private PrometheusMetrics metrics;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    metrics = PrometheusMetrics.create("agent");
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    metrics.close();
  }

  @Test
  void readinessIsServiceUnavailableUntilEveryCheckPassesAndNamesTheFailingOne() throws Exception {
    int port = serve(null, "127.0.0.1");
    HttpResponse<String> r = get("127.0.0.1", port, "/readyz", null);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("\"not_ready\"", "\"mqtt-connected\":false", "\"enrolled\":true");
    connected.set(true);
    r = get("127.0.0.1", port, "/readyz", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"ready\"");
  }

  @Test
  void withATokenConfiguredMetricsNeedThatBearerToken() throws Exception {
    int port = serve(TOKEN, "127.0.0.1");
    assertThat(get("127.0.0.1", port, "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("127.0.0.1", port, "/metrics", "not-the-token-000000000000").statusCode()).isEqualTo(401);
    HttpResponse<String> ok = get("127.0.0.1", port, "/metrics", TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void withoutATokenMetricsAreServedToLoopbackClientsOnly() throws Exception {
    Optional<InetAddress> lan = nonLoopbackAddress();
    assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to connect from");
    String lanHost = lan.get().getHostAddress();
    int local = serve(null, "127.0.0.1");
    int onLan = serve(null, lanHost);
    assertThat(get("127.0.0.1", local, "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get(lanHost, onLan, "/metrics", null).statusCode()).isEqualTo(403);
    assertThat(get(lanHost, onLan, "/readyz", null).statusCode()).as("readiness stays public").isEqualTo(503);
  }

  private int serve(String token, String bind) throws Exception {
    Router r = Router.router(vertx);
    new ObservabilityRoutes(metrics, token, new Readiness()
        .check("enrolled", () -> true)
        .check("mqtt-connected", connected::get)).accept(r);
    return vertx.createHttpServer().requestHandler(r).listen(0, bind)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
  }

  private HttpResponse<String> get(String host, int port, String path, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp() && !ni.isLoopback()) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }
}
