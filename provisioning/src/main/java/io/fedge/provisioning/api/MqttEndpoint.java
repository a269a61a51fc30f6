package io.fedge.provisioning.api;

/** Where the device connects with its certificate after enrollment (MQTT over TLS). */
public record MqttEndpoint(String host, int port) {
  public MqttEndpoint {
    if (host == null || host.isBlank() || host.length() > 253) {
      throw new IllegalArgumentException("MQTT host must be 1-253 characters");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("MQTT port must be 1-65535");
    }
  }
}
