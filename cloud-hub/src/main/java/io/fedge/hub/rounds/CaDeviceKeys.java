package io.fedge.hub.rounds;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.provisioning.Identity;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** {@link DeviceKeys} against the hub's CA root (PKIX, client-auth usage) and the device registry. */
public final class CaDeviceKeys implements DeviceKeys {
  private final X509TrustManager trust;
  private final Predicate<String> activeDevice;

  /** @param activeDevice true for an enrolled device that is not revoked */
  public CaDeviceKeys(X509Certificate root, Predicate<String> activeDevice) {
    this.activeDevice = activeDevice;
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("fedge-root", root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      this.trust = (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the device trust manager", e);
    }
  }

  @Override
  public PublicKey verifiedKey(String deviceId, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new CryptoException("the update carries no certificate");
    }
    try {
      trust.checkClientTrusted(chain.toArray(new X509Certificate[0]), "ECDHE_ECDSA");
    } catch (CertificateException e) {
      throw new CryptoException("the update's certificate does not validate to this hub's CA: " + e.getMessage());
    }
    Identity id = Identity.fromCertificate(chain.get(0))
        .orElseThrow(() -> new CryptoException("the update's certificate names no Fedge identity"));
    if (id.role() != Identity.Role.DEVICE || !id.id().equals(deviceId)) {
      throw new CryptoException("the update's certificate belongs to " + id.label() + ", not to " + deviceId);
    }
    if (!activeDevice.test(deviceId)) {
      throw new CryptoException("device " + deviceId + " is unknown or revoked");
    }
    return chain.get(0).getPublicKey();
  }
}
