package io.fedge.hub.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One TLS identity of the hub: a private key and its chain (leaf first), with the instant it was
 * issued. {@link #toString()} never shows the key.
 */
public record HubCredential(PrivateKey key, List<X509Certificate> chain, Instant issuedAt) {

  public HubCredential {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issuedAt, "issuedAt");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a credential needs at least its leaf certificate");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's serial number in lower-case hex. */
  public String serial() {
    return leaf().getSerialNumber().toString(16);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /**
   * When to replace it: two thirds of the way from issue to expiry. The issue instant is used
   * rather than {@code notBefore}, which the CA backdates for clock skew.
   */
  public Instant renewAt() {
    Instant start = issuedAt.isBefore(notAfter()) ? issuedAt : notAfter();
    Duration life = Duration.between(start, notAfter());
    return start.plus(life.multipliedBy(2).dividedBy(3));
  }

  @Override
  public String toString() {
    return "HubCredential[subject=" + leaf().getSubjectX500Principal().getName() + ", serial=" + serial()
        + ", notAfter=" + notAfter() + "]";
  }
}
