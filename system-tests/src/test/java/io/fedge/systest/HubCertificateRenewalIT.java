package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.TlsContexts;
import io.fedge.systest.support.DeviceClients;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub whose own certificates live one minute: it renews them at 40 s while running, and
 * keeps serving HTTPS, devices and its own MQTT client after the first certificates expired.
 */
class HubCertificateRenewalIT {
  @TempDir Path dir;
  private HubProcess hub;

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void hubRenewsHttpsBrokerAndMqttClientCertificatesWhileRunning() throws Exception {
    hub = HubProcess.start("renew-hub", dir.resolve("hub"), Map.of(
        "tls.https.cert.lifetime", "PT1M",
        "tls.broker.cert.lifetime", "PT1M",
        "tls.service.cert.lifetime", "PT1M"));
    OpsClient ops = hub.ops();
    DeviceCredentials device = DeviceClients.enroll(ops, "dealers-east");
    MqttAsyncClient early = DeviceClients.connect(hub.mqttPort(), device);

    Map<String, JsonNode> before = certificates(ops);
    assertThat(before.keySet()).containsExactlyInAnyOrder("https", "broker", "mqtt-client");
    JsonNode ready = readyz(ops);
    Instant next = Instant.parse(ready.path("nextCertRenewal").asText());
    for (JsonNode c : before.values()) {
      assertThat(next).isBefore(Instant.parse(c.path("notAfter").asText()));
    }
    servesCurrentCertificates(ops, device);

    await("all three renewed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> certificates(ops).entrySet().stream()
            .allMatch(e -> e.getValue().path("renewals").asInt() > before.get(e.getKey()).path("renewals").asInt()));
    Map<String, JsonNode> after = certificates(ops);
    for (String name : before.keySet()) {
      assertThat(after.get(name).path("serial").asText()).as(name).isNotEqualTo(before.get(name).path("serial").asText());
      assertThat(Instant.parse(after.get(name).path("notAfter").asText()))
          .as(name).isAfter(Instant.parse(before.get(name).path("notAfter").asText()));
    }
    servesCurrentCertificates(ops, device);
    // The device connected before the renewal is still connected.
    assertThat(early.isConnected()).isTrue();

    // Past the first certificates' expiry: everything still works.
    Instant firstExpiry = Instant.parse(before.values().stream()
        .map(c -> c.path("notAfter").asText()).min(String::compareTo).orElseThrow());
    while (Instant.now().isBefore(firstExpiry.plusSeconds(2))) {
      Thread.sleep(500);
    }
    assertThat(ops.get("/readyz").status()).isEqualTo(200);
    early.disconnect().waitForCompletion(5_000); // same client id: the new connection would take over
    early.close();
    MqttAsyncClient late = DeviceClients.connect(hub.mqttPort(), device);
    assertThat(late.isConnected()).isTrue();
    late.disconnect().waitForCompletion(5_000);
    late.close();
    // A device renews its own certificate over the renewed HTTPS server (client certificate requested).
    DeviceCredentials renewed =
        new EnrollmentClient(DeviceClients.bundle(ops.mintClaimBundle("dealers-east", 600)))
            .renew(device, EnrollmentClient.newDeviceKey());
    assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(device.certificate().getSerialNumber());
    // Each renewal is in the audit trail.
    for (String name : before.keySet()) {
      JsonNode events = ops.get("/api/v1/audit?subject=" + name + "&limit=10").body().path("events");
      assertThat(events.findValuesAsText("action")).as(name).contains("hub-cert.renew");
    }
  }

  /**
   * New HTTPS and broker connections see the certificates /readyz names (the broker within the
   * 10 s HiveMQ takes to notice a replaced key store), and the hub's MQTT client is subscribed
   * having presented its current one.
   */
  private void servesCurrentCertificates(OpsClient ops, DeviceCredentials device) {
    await("HTTPS presents the current certificate").atMost(Duration.ofSeconds(30))
        .until(() -> httpsSerial().equals(certificates(ops).get("https").path("serial").asText()));
    await("broker presents the current certificate").atMost(Duration.ofSeconds(20))
        .until(() -> brokerSerial(device).equals(certificates(ops).get("broker").path("serial").asText()));
    await("hub MQTT client connected with its current certificate").atMost(Duration.ofSeconds(20)).until(() -> {
      JsonNode r = readyz(ops);
      return "ready".equals(r.path("status").asText())
          && certificates(ops).get("mqtt-client").path("serial").asText().equals(r.path("mqttClientPresentedSerial").asText());
    });
  }

  private static JsonNode readyz(OpsClient ops) {
    return ops.get("/readyz").body();
  }

  private static Map<String, JsonNode> certificates(OpsClient ops) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode c : readyz(ops).path("certificates")) {
      out.put(c.path("name").asText(), c);
    }
    return out;
  }

  /** Serial (hex) of the certificate the hub's HTTPS server presents to a new connection. */
  private String httpsSerial() throws Exception {
    return serial(TlsContexts.pinnedClient(hub.caFingerprint()), hub.httpPort());
  }

  /** Serial (hex) of the certificate the broker presents to a new device connection. */
  private String brokerSerial(DeviceCredentials d) throws Exception {
    return serial(TlsContexts.mutual(d.privateKey(), d.chain(), d.root()), hub.mqttPort());
  }

  /** A fresh context each time: no session resumption. */
  private static String serial(SSLContext ctx, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
    }
  }
}
