package io.fedge.provisioning;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What the hub hands a device after enrollment or renewal.
 *
 * @param chain {@code [cert, intermediate, root]}
 * @param renewAfter notBefore + 2/3 of the certificate's validity
 */
public record EnrollmentResult(
    String deviceId,
    String group,
    X509Certificate cert,
    List<X509Certificate> chain,
    X509Certificate root,
    Instant notAfter,
    Instant renewAfter) {

  public EnrollmentResult {
    chain = List.copyOf(chain);
  }

  static Instant renewAfter(X509Certificate cert) {
    // notBefore is back-dated by the CA's clock-skew allowance; count from the moment of issue.
    Instant na = cert.getNotAfter().toInstant();
    Instant issued = cert.getNotBefore().toInstant().plus(CertificateAuthority.CLOCK_SKEW);
    if (issued.isAfter(na)) {
      issued = cert.getNotBefore().toInstant();
    }
    long millis = na.toEpochMilli() - issued.toEpochMilli();
    return issued.plusMillis(millis / 3 * 2);
  }
}
