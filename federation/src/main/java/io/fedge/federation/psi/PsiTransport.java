package io.fedge.federation.psi;

/**
 * Where a party puts the messages it sends. The relay (the hub over MQTT, or
 * {@link InMemoryRelay} in tests) delivers each to {@link PsiParty#onMessage} of the party named in
 * {@link PsiMessage#to()}, in order per sender and receiver. Messages must not be dropped; a
 * duplicate delivery is refused by the receiver as an unexpected message.
 */
@FunctionalInterface
public interface PsiTransport {
  void send(PsiMessage message);
}
