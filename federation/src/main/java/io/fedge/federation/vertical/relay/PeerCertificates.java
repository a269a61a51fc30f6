package io.fedge.federation.vertical.relay;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Checks that a certificate chain belongs to the named device (validates to the hub's CA, names
 * that device, is not revoked where that is known) and returns its signing key.
 */
@FunctionalInterface
public interface PeerCertificates {
  /** @throws io.fedge.federation.crypto.CryptoException if the chain is not the device's */
  PublicKey verifiedKey(String deviceId, List<X509Certificate> chain);
}
