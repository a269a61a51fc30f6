package io.fedge.agent.mqtt;

/**
 * Receives messages for a subscription. Runs on the link's single handler thread, never on Paho's
 * network threads, so it may take its time; messages are handled one at a time in arrival order.
 * QoS 1 messages are acknowledged to the broker only after the handler returns (or throws), so a
 * message whose handling was cut short by a crash is delivered again.
 */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(String topic, byte[] payload) throws Exception;
}
