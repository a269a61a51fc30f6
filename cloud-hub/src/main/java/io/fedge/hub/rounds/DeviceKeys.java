package io.fedge.hub.rounds;

import io.fedge.federation.crypto.CryptoException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Checks that a certificate chain belongs to an enrolled, unrevoked device; yields its key. */
@FunctionalInterface
public interface DeviceKeys {
  /**
   * @throws CryptoException if the chain does not validate to the hub's CA, names another device,
   *     or the device is unknown or revoked
   */
  PublicKey verifiedKey(String deviceId, List<X509Certificate> chain);
}
