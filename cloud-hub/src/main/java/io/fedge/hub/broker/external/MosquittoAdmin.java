package io.fedge.hub.broker.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.net.TcpNoDelaySocketFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Disconnects a client from Mosquitto through its dynamic-security plugin: the hub's admin
 * identity creates a (password-less, role-less) dynsec client named like the device and disables
 * it, which makes Mosquitto close every connection with that user name. With certificate
 * authentication ({@code use_identity_as_username}) Mosquitto does not consult the plugin at
 * connect, so this only kicks; the CRL keeps the device out.
 */
public final class MosquittoAdmin {
  static final String CONTROL = "$CONTROL/dynamic-security/v1";
  static final String RESPONSE = CONTROL + "/response";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MS = 10_000;

  private final String serverUri;
  private final String adminId;
  private final java.util.function.Supplier<SSLSocketFactory> tls;

  /**
   * @param adminId the admin identity's id (its certificate CN; Mosquitto makes it the client id)
   * @param tls mutual TLS with a certificate of the admin identity, made for each connection
   */
  public MosquittoAdmin(String serverUri, String adminId, java.util.function.Supplier<SSLSocketFactory> tls) {
    this.serverUri = serverUri;
    this.adminId = adminId;
    this.tls = tls;
  }

  /**
   * Closes every connection of {@code username}; returns the plugin's answer to {@code
   * disableClient}.
   *
   * @throws MqttException if the broker cannot be reached or refuses the admin identity
   * @throws IllegalStateException if the plugin does not answer or reports an error
   */
  public void kick(String username) throws MqttException {
    Map<String, Object> request =
        Map.of(
            "commands",
            List.of(
                Map.of("command", "createClient", "username", username, "textname", "revoked Fedge device"),
                Map.of("command", "disableClient", "username", username)));
    JsonNode response = call(request);
    for (JsonNode r : response.path("responses")) {
      String error = r.path("error").asText("");
      if ("disableClient".equals(r.path("command").asText()) && !error.isEmpty()) {
        throw new IllegalStateException("dynamic security refused disableClient: " + error);
      }
    }
  }

  private JsonNode call(Map<String, Object> request) throws MqttException {
    MqttClient client = new MqttClient(serverUri, adminId, new MemoryPersistence());
    try {
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setSocketFactory(TcpNoDelaySocketFactory.wrap(tls.get()));
      o.setCleanStart(true);
      o.setConnectionTimeout(10);
      client.setTimeToWait(TIMEOUT_MS);
      client.connect(o);
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      client.subscribe(
          new MqttSubscription[] {new MqttSubscription(RESPONSE, 1)},
          new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> answer.complete(m.getPayload())});
      MqttMessage m = new MqttMessage(JSON.writeValueAsBytes(request));
      m.setQos(1);
      client.publish(CONTROL, m);
      byte[] payload = answer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    } catch (java.io.IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no usable answer from the dynamic-security plugin: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      try {
        if (client.isConnected()) {
          client.disconnect();
        }
        client.close();
      } catch (MqttException ignored) {
        // closing a short-lived admin connection
      }
    }
  }
}
