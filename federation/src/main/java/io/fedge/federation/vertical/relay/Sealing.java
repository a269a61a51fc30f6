package io.fedge.federation.vertical.relay;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.crypto.SealedEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * End-to-end protection of party-to-party messages of a vertical job, which the hub relays but
 * must not read (in vertical LR the hub deals the mask seeds, so a masked matrix it could read would
 * be a plain one): a {@link SealedEnvelope} encrypted to the receiver's job key (announced in a
 * {@link KeyAnnouncement}) and signed with the sender's device key. The envelope header binds job,
 * sender, receiver and sequence number, so the relay can neither redirect, replay nor reorder a
 * message without the receiver noticing.
 */
public final class Sealing {
  private Sealing() {}

  /** The header: {@code "fedge/v1 vertical"}, then job, from, to, seq, separated by NUL. */
  static byte[] header(String jobId, String from, String to, long seq) {
    return ("fedge/v1 vertical\0" + jobId + "\0" + from + "\0" + to + "\0" + seq).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] seal(String jobId, String from, String to, long seq, byte[] plaintext, byte[] receiverKey,
      PrivateKey deviceKey, SecureRandom random) {
    return SealedEnvelope.seal(header(jobId, from, to, seq), plaintext, receiverKey, deviceKey, random).toBytes();
  }

  /**
   * Opens a sealed message: the sender's signature, then the header (must name exactly this job,
   * sender, receiver and sequence number), then the AEAD.
   */
  public static byte[] open(byte[] sealed, String jobId, String from, String to, long seq, RoundKeyPair ownKey,
      PublicKey senderKey) {
    SealedEnvelope e = SealedEnvelope.parse(sealed);
    if (!Arrays.equals(e.header(), header(jobId, from, to, seq))) {
      throw new CryptoException("sealed message " + seq + " from " + from + " names another job, sender, receiver "
          + "or position: refused (relayed out of place)");
    }
    return e.open(ownKey, senderKey);
  }
}
