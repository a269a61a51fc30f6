package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.ProtocolVersion;
import io.fedge.provisioning.api.EnrollRequest;
import io.fedge.provisioning.api.EnrollResponse;
import io.fedge.provisioning.api.EnrollmentJson;
import io.fedge.provisioning.api.EnrollmentPaths;
import io.fedge.provisioning.api.ErrorResponse;
import io.fedge.provisioning.api.RenewRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of enrollment and renewal, over {@code java.net.http}. Enrollment pins the hub
 * by the root fingerprint in the claim bundle; renewal uses mutual TLS with the current
 * credentials and trusts only the stored root. Every answer is checked before it is accepted: the
 * certificate must carry our public key, chain to the expected root, and name the expected
 * device. Never logs the token or key material.
 *
 * <p>Transport failures (including a TLS handshake refused because the pin does not match) are
 * {@link IOException}s; refusals by the hub are {@link EnrollmentException}s carrying the hub's
 * code, message and HTTP status.
 */
public final class EnrollmentClient {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollmentClient.class);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Subject CN put in the device's CSRs; the hub ignores it and assigns the device id. */
  static final String CSR_SUBJECT = "fedge-device";

  private final ClaimBundle bundle;
  private final Duration requestTimeout;

  public EnrollmentClient(ClaimBundle bundle) {
    this(bundle, REQUEST_TIMEOUT);
  }

  /** @param bundle may be null for a client that only renews */
  public EnrollmentClient(ClaimBundle bundle, Duration requestTimeout) {
    this.bundle = bundle;
    this.requestTimeout = Objects.requireNonNull(requestTimeout);
  }

  /** A fresh EC P-256 key pair from a {@link SecureRandom}. */
  public static KeyPair newDeviceKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }

  /** Enrolls with the bundle's claim token; returns the new identity (not yet saved). */
  public DeviceCredentials enroll(KeyPair kp) throws IOException {
    if (bundle == null) {
      throw new IllegalStateException("this client has no claim bundle; it can only renew");
    }
    EnrollRequest req = new EnrollRequest(ProtocolVersion.CURRENT, bundle.token(), Csr.create(kp, CSR_SUBJECT));
    SSLContext tls = TlsContexts.pinnedClient(bundle.caFingerprint());
    EnrollResponse resp = post(tls, bundle.hubUrl(), EnrollmentPaths.ENROLL, EnrollmentJson.write(req));
    DeviceCredentials creds = accept(resp, kp, bundle.hubUrl(), null);
    if (!Hashes.fingerprint(creds.root()).equals(bundle.caFingerprint())) {
      throw badResponse("the hub sent a root certificate other than the pinned one");
    }
    String expectedId = DeviceIdentityRules.deviceIdFor(Hashes.fingerprint(kp.getPublic()));
    if (!creds.deviceId().equals(expectedId)) {
      throw badResponse("the hub assigned a device id that does not derive from our key");
    }
    LOG.info("Enrolled as device {} in group {}; certificate valid until {}", creds.deviceId(), creds.group(), creds.notAfter());
    return creds;
  }

  /**
   * Renews over mutual TLS with {@code current}; {@code newKey} may be the current key pair or a
   * fresh one (rotation). Returns the new identity (not yet saved).
   */
  public DeviceCredentials renew(DeviceCredentials current, KeyPair newKey) throws IOException {
    RenewRequest req = new RenewRequest(ProtocolVersion.CURRENT, Csr.create(newKey, CSR_SUBJECT));
    SSLContext tls = TlsContexts.mutual(current.privateKey(), current.chain(), current.root());
    EnrollResponse resp = post(tls, current.hubUrl(), EnrollmentPaths.RENEW, EnrollmentJson.write(req));
    DeviceCredentials creds = accept(resp, newKey, current.hubUrl(), current.root());
    if (!creds.deviceId().equals(current.deviceId())) {
      throw badResponse("the hub renewed a different device id");
    }
    LOG.info("Renewed device {}; certificate valid until {}", creds.deviceId(), creds.notAfter());
    return creds;
  }

  private EnrollResponse post(SSLContext tls, String hubUrl, String path, byte[] body) throws IOException {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .sslParameters(TlsContexts.restrict(tls.getDefaultSSLParameters()))
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(hubUrl + path))
            .timeout(requestTimeout)
            .header("Content-Type", EnrollmentPaths.CONTENT_TYPE)
            .header("Accept", EnrollmentPaths.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while talking to the hub");
    }
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(EnrollmentJson.MAX_RESPONSE_BYTES + 1);
    }
    if (bytes.length > EnrollmentJson.MAX_RESPONSE_BYTES) {
      throw badResponse("the hub's answer is larger than " + EnrollmentJson.MAX_RESPONSE_BYTES + " bytes");
    }
    int status = response.statusCode();
    if (status != 200 && status != 201) {
      ErrorResponse err;
      try {
        err = EnrollmentJson.read(bytes, ErrorResponse.class);
      } catch (IOException e) {
        err = null;
      }
      if (err == null || err.error() == null || err.message() == null) {
        throw new EnrollmentException(
            EnrollmentException.BAD_RESPONSE, status, "the hub answered HTTP " + status + " without an error description");
      }
      throw new EnrollmentException(err.error(), status, err.message());
    }
    try {
      return EnrollmentJson.read(bytes, EnrollResponse.class);
    } catch (IOException e) {
      throw badResponse("the hub's answer is not a valid enrollment response");
    }
  }

  /** Checks an answer against our key and the expected root (null: the root it sends). */
  private static DeviceCredentials accept(
      EnrollResponse r, KeyPair kp, String hubUrl, X509Certificate expectedRoot) {
    if (r.v() != ProtocolVersion.CURRENT) {
      throw badResponse("the hub answered with protocol version " + r.v());
    }
    if (!Ids.isValid(r.deviceId()) || !Ids.isValid(r.group())) {
      throw badResponse("the hub's answer has an invalid device id or group");
    }
    List<X509Certificate> chain;
    X509Certificate root;
    Instant notAfter;
    Instant renewAfter;
    try {
      chain = Pem.readCertificates(r.certificateChainPem());
      root = Pem.readCertificate(r.caCertificatePem());
      notAfter = Instant.parse(r.notAfter());
      renewAfter = Instant.parse(r.renewAfter());
    } catch (RuntimeException e) {
      throw badResponse("the hub's answer has unreadable certificates or dates");
    }
    if (expectedRoot != null && !expectedRoot.equals(root)) {
      throw badResponse("the hub sent a root certificate other than the one this device trusts");
    }
    X509Certificate leaf = chain.get(0);
    if (!sameKey(leaf.getPublicKey(), kp.getPublic())) {
      throw badResponse("the certificate from the hub is not for this device's key");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> path = chain.get(chain.size() - 1).equals(root) ? chain.subList(0, chain.size() - 1) : chain;
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
    } catch (GeneralSecurityException e) {
      throw badResponse("the certificate from the hub does not chain to its root");
    }
    Identity id;
    try {
      id = CertificateAuthority.identityOf(leaf);
    } catch (IllegalArgumentException e) {
      throw badResponse("the certificate from the hub does not name a device");
    }
    if (id.role() != Identity.Role.DEVICE || !id.id().equals(r.deviceId())) {
      throw badResponse("the certificate from the hub names a different identity");
    }
    return new DeviceCredentials(
        r.deviceId(), r.group(), kp.getPrivate(), chain, root, r.mqtt(), notAfter, renewAfter, hubUrl);
  }

  private static boolean sameKey(PublicKey a, PublicKey b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  private static EnrollmentException badResponse(String message) {
    return new EnrollmentException(EnrollmentException.BAD_RESPONSE, 502, message + "; check the hub URL and hub logs");
  }
}
