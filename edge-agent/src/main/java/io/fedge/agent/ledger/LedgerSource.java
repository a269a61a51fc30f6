package io.fedge.agent.ledger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** What the agent asks the hub about its ledger (over HTTPS with the device certificate). */
public interface LedgerSource {
  /** The C2SP verifier key text of the ledger. */
  String publicKey() throws IOException;

  /** The latest signed checkpoint note. */
  String latestCheckpoint() throws IOException;

  /** Consistency proof from {@code from} to {@code to} leaves. */
  List<byte[]> consistency(long from, long to) throws IOException;

  /** Inclusion proof of {@code index} in the tree of {@code size} leaves. */
  List<byte[]> inclusion(long index, long size) throws IOException;

  /** Receipts for the entries naming this device after index {@code after}, under the latest checkpoint. */
  List<io.fedge.federation.ledger.LedgerReceipt> receiptsAfter(long after) throws IOException;

  /** The canonical text of entry {@code index} as the hub serves it now, or empty if it says there is none. */
  Optional<String> entry(long index) throws IOException;
}
