package io.fedge.federation.vertical;

/** Sends a message from one party to another; the transport stamps the (authenticated) sender. */
@FunctionalInterface
public interface Outbox {
  void send(String to, VerticalMessage message);
}
