package io.fedge.hub.ledger;

import io.fedge.federation.ledger.LedgerReceipt;

/** Delivers a receipt to one device (the hub wires it to its MQTT downlink, kind {@code receipt}). */
@FunctionalInterface
public interface ReceiptChannel {
  void send(String deviceId, LedgerReceipt receipt);
}
