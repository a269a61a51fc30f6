package io.fedge.agent.vertical;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.vertical.relay.PeerCertificates;
import io.fedge.provisioning.Identity;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A peer's chain must validate (PKIX, client usage) to the hub's root this agent enrolled with and name the peer. */
final class RootPeerCertificates implements PeerCertificates {
  private final X509TrustManager trust;

  RootPeerCertificates(X509Certificate root) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("fedge-root", root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      this.trust = (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the peer trust manager", e);
    }
  }

  @Override
  public PublicKey verifiedKey(String deviceId, List<X509Certificate> chain) {
    try {
      trust.checkClientTrusted(chain.toArray(new X509Certificate[0]), "ECDHE_ECDSA");
    } catch (CertificateException e) {
      throw new CryptoException("the certificate of party " + deviceId + " does not validate to the hub's CA");
    }
    Identity id = Identity.fromCertificate(chain.get(0))
        .orElseThrow(() -> new CryptoException("the certificate of party " + deviceId + " names no Fedge identity"));
    if (id.role() != Identity.Role.DEVICE || !id.id().equals(deviceId)) {
      throw new CryptoException("the certificate belongs to " + id.label() + ", not to party " + deviceId);
    }
    return chain.get(0).getPublicKey();
  }
}
