package io.fedge.federation.vertical;

/**
 * A party of a vertical job as the transport sees it: an id and a handler for the messages it
 * receives. Handlers may be called from any thread but never concurrently for the same party.
 */
public interface VerticalEndpoint {
  String partyId();

  void receive(String from, VerticalMessage message);
}
