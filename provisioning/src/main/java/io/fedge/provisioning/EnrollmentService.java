package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import io.fedge.provisioning.ClaimTokens.MintedToken;
import io.fedge.provisioning.ClaimTokens.ParsedToken;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import io.fedge.provisioning.store.ProvisioningStore;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's enrollment decisions, independent of HTTP. Every decision, allowed or refused, is
 * written to the audit trail; a refusal changes nothing else (the claim token stays usable, no
 * device row appears).
 *
 * <p><b>Renewal and key rotation.</b> A renewal is authenticated by the device's current client
 * certificate, which this class verifies itself (issued by our intermediate, currently valid,
 * EKU clientAuth, {@code OU=device}) because the TLS layer may only <em>request</em> client
 * certificates. The CSR may carry the same key or a new one: rotating keys at renewal is allowed
 * and the device id stays the same. The device id and the stored {@code publicKeyFingerprint}
 * remain those of the key the device enrolled with. A new key is refused ({@code key_mismatch})
 * if it is the enrollment key of a different device. Any unexpired, unrevoked certificate of the
 * device may renew (not only the newest), so a renewal whose response was lost on the network
 * can simply be retried; revocation is the tool against a stolen key.
 */
public final class EnrollmentService {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollmentService.class);

  public static final String ANONYMOUS = "anonymous";
  public static final String ACTION_ENROLL = "enroll";
  public static final String ACTION_RENEW = "renew";
  public static final String ACTION_REVOKE = "revoke";
  public static final String ACTION_MINT = "claim-token.mint";
  static final int MAX_REASON_CHARS = 200;

  private final CertificateAuthority ca;
  private final ProvisioningStore store;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final EnrollmentSettings settings;
  private final ClaimTokens tokens;

  public EnrollmentService(
      CertificateAuthority ca,
      ProvisioningStore store,
      RateLimiter rateLimiter,
      Clock clock,
      EnrollmentSettings settings) {
    this.ca = Objects.requireNonNull(ca);
    this.store = Objects.requireNonNull(store);
    this.rateLimiter = Objects.requireNonNull(rateLimiter);
    this.clock = Objects.requireNonNull(clock);
    this.settings = Objects.requireNonNull(settings);
    this.tokens = new ClaimTokens(clock);
  }

  /** The root certificate devices must trust (and whose fingerprint claim bundles pin). */
  public X509Certificate root() {
    return ca.root();
  }

  // ---------------------------------------------------------------- enroll

  /**
   * Enrolls a new device with a one-time claim token and a CSR.
   *
   * @param source the caller's address, for rate limiting and the audit trail
   * @throws EnrollmentException on any refusal (already audited)
   */
  public EnrollmentResult enroll(String token, String csrPem, String source) {
    Instant now = clock.instant();
    if (!rateLimiter.tryAcquire(source)) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, null, source, EnrollmentException.rateLimited());
    }
    ParsedToken parsed;
    try {
      parsed = ClaimTokens.parse(token);
    } catch (EnrollmentException e) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, null, source, e);
    }
    String tokenId = parsed.tokenId();
    Optional<ClaimTokenRecord> found = store.findClaimToken(tokenId);
    // Unknown id and wrong secret answer identically, so the API is no oracle for token ids.
    if (found.isEmpty() || !parsed.matches(found.get().secretHash())) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, tokenId, source, EnrollmentException.invalidToken());
    }
    ClaimTokenRecord record = found.get();
    if (!now.isBefore(record.expiresAt())) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, tokenId, source, EnrollmentException.tokenExpired());
    }
    Csr csr;
    try {
      csr = Csr.parse(csrPem);
    } catch (EnrollmentException e) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, tokenId, source, e);
    }
    String fingerprint = csr.publicKeyFingerprint();
    String deviceId = DeviceIdentityRules.deviceIdFor(fingerprint);
    if (record.usedAt() != null) {
      if (deviceId.equals(record.usedBy())) {
        // The same device (same key, same token secret) asks again: its first answer was lost.
        return reissueAfterLostAnswer(record, csr, deviceId, source, now);
      }
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, tokenId, source, EnrollmentException.tokenUsed());
    }
    if (store.findDevice(deviceId).isPresent()) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, deviceId, source, EnrollmentException.deviceExists(deviceId));
    }
    X509Certificate cert = ca.issueDevice(csr.publicKey(), deviceId, record.group(), settings.deviceCertLifetime());
    Instant notAfter = cert.getNotAfter().toInstant();
    DeviceRecord device =
        new DeviceRecord(
            deviceId, record.group(), fingerprint, CertificateAuthority.serialHex(cert), notAfter, now, null, null);
    boolean done =
        store.completeEnrollment(
            tokenId, now, device, AuditEvent.allowed(now, ANONYMOUS, ACTION_ENROLL, deviceId, source));
    if (!done) {
      // The store has audited the refusal (see ProvisioningStore#completeEnrollment).
      boolean used = store.findClaimToken(tokenId).map(r -> r.usedAt() != null).orElse(true);
      throw used ? EnrollmentException.tokenUsed() : EnrollmentException.deviceExists(deviceId);
    }
    LOG.info("Enrolled device {} into group {} (token {}, from {})", deviceId, record.group(), tokenId, source);
    return result(deviceId, record.group(), cert);
  }

  /**
   * Enrollment is idempotent for the device that spent the token: if the answer to its first
   * request was lost (connection cut after the hub committed), the same key with the same token
   * gets a fresh certificate instead of a dead end. Nobody else can do this: it needs both the
   * token secret and the private key (the CSR signature proves possession).
   */
  private EnrollmentResult reissueAfterLostAnswer(
      ClaimTokenRecord record, Csr csr, String deviceId, String source, Instant now) {
    Optional<DeviceRecord> device = store.findDevice(deviceId);
    if (device.isEmpty()) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, deviceId, source, EnrollmentException.tokenUsed());
    }
    if (device.get().revoked()) {
      throw refuse(now, ANONYMOUS, ACTION_ENROLL, deviceId, source, EnrollmentException.deviceRevoked(deviceId));
    }
    X509Certificate cert = ca.issueDevice(csr.publicKey(), deviceId, record.group(), settings.deviceCertLifetime());
    store.updateCertificate(
        deviceId,
        CertificateAuthority.serialHex(cert),
        cert.getNotAfter().toInstant(),
        AuditEvent.allowed(now, ANONYMOUS, ACTION_ENROLL, deviceId, source));
    LOG.info("Re-issued the enrollment certificate of device {} (its first answer was lost; from {})", deviceId, source);
    return result(deviceId, record.group(), cert);
  }

  // ---------------------------------------------------------------- renew

  /**
   * Issues a fresh certificate to an enrolled device, authenticated by its current certificate.
   * See the class comment for the key rotation rules.
   */
  public EnrollmentResult renew(X509Certificate presentedClientCert, String csrPem, String source) {
    Instant now = clock.instant();
    if (!rateLimiter.tryAcquire(source)) {
      throw refuse(now, ANONYMOUS, ACTION_RENEW, null, source, EnrollmentException.rateLimited());
    }
    if (presentedClientCert == null) {
      throw refuse(now, ANONYMOUS, ACTION_RENEW, null, source,
          EnrollmentException.certificateInvalid("renewal needs the device's current client certificate over mutual TLS"));
    }
    String problem = verifyIssuedByUs(presentedClientCert, now);
    if (problem != null) {
      throw refuse(now, ANONYMOUS, ACTION_RENEW, null, source, EnrollmentException.certificateInvalid(problem));
    }
    Identity identity;
    try {
      identity = CertificateAuthority.identityOf(presentedClientCert);
    } catch (IllegalArgumentException e) {
      throw refuse(now, ANONYMOUS, ACTION_RENEW, null, source, EnrollmentException.certificateInvalid(e.getMessage()));
    }
    if (identity.role() != Identity.Role.DEVICE) {
      throw refuse(now, identity.id(), ACTION_RENEW, identity.id(), source,
          EnrollmentException.certificateInvalid("the client certificate is not a device certificate"));
    }
    String deviceId = identity.id();
    Optional<DeviceRecord> found = store.findDevice(deviceId);
    if (found.isEmpty()) {
      throw refuse(now, deviceId, ACTION_RENEW, deviceId, source, EnrollmentException.unknownDevice(deviceId));
    }
    DeviceRecord device = found.get();
    if (device.revoked()) {
      throw refuse(now, deviceId, ACTION_RENEW, deviceId, source, EnrollmentException.deviceRevoked(deviceId));
    }
    Csr csr;
    try {
      csr = Csr.parse(csrPem);
    } catch (EnrollmentException e) {
      throw refuse(now, deviceId, ACTION_RENEW, deviceId, source, e);
    }
    String newFingerprint = csr.publicKeyFingerprint();
    String keyOwner = DeviceIdentityRules.deviceIdFor(newFingerprint);
    if (!keyOwner.equals(deviceId) && store.findDevice(keyOwner).isPresent()) {
      throw refuse(now, deviceId, ACTION_RENEW, deviceId, source,
          EnrollmentException.keyMismatch(
              "the key in this request is the enrollment key of another device; generate a fresh key for the renewal"));
    }
    X509Certificate cert = ca.issueDevice(csr.publicKey(), deviceId, device.group(), settings.deviceCertLifetime());
    store.updateCertificate(
        deviceId,
        CertificateAuthority.serialHex(cert),
        cert.getNotAfter().toInstant(),
        AuditEvent.allowed(now, deviceId, ACTION_RENEW, deviceId, source));
    boolean rotated = !newFingerprint.equals(Hashes.fingerprint(presentedClientCert.getPublicKey()));
    LOG.info("Renewed certificate of device {} (key {}, from {})", deviceId, rotated ? "rotated" : "kept", source);
    return result(deviceId, device.group(), cert);
  }

  /** Null if {@code cert} is a currently valid client certificate issued by our intermediate, else why not. */
  private String verifyIssuedByUs(X509Certificate cert, Instant now) {
    X509Certificate inter = ca.intermediate();
    if (!cert.getIssuerX500Principal().equals(inter.getSubjectX500Principal())) {
      return "the client certificate was not issued by this hub";
    }
    try {
      cert.verify(inter.getPublicKey());
    } catch (GeneralSecurityException e) {
      return "the client certificate was not issued by this hub";
    }
    try {
      cert.checkValidity(Date.from(now));
      inter.checkValidity(Date.from(now));
    } catch (CertificateException e) {
      return "the client certificate is expired or not yet valid";
    }
    if (cert.getBasicConstraints() != -1) {
      return "the client certificate is a CA certificate";
    }
    try {
      List<String> eku = cert.getExtendedKeyUsage();
      if (eku == null || !eku.contains("1.3.6.1.5.5.7.3.2")) {
        return "the client certificate is not valid for client authentication";
      }
    } catch (CertificateException e) {
      return "the client certificate's extended key usage cannot be read";
    }
    return null;
  }

  // ---------------------------------------------------------------- operator actions

  /**
   * Revokes a device: it can no longer renew. Returns false (and audits the refusal) if the
   * device does not exist or is already revoked.
   */
  public boolean revoke(String deviceId, String actor, String reason) {
    requireActor(actor);
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_CHARS) {
      throw new IllegalArgumentException("revocation reason must be 1-" + MAX_REASON_CHARS + " characters");
    }
    Instant now = clock.instant();
    if (!Ids.isValid(deviceId)) {
      store.audit(AuditEvent.refused(now, actor, ACTION_REVOKE, null, EnrollmentException.UNKNOWN_DEVICE, null));
      return false;
    }
    boolean done = store.revokeDevice(deviceId, now, reason, AuditEvent.allowed(now, actor, ACTION_REVOKE, deviceId, null));
    if (!done) {
      boolean exists = store.findDevice(deviceId).isPresent();
      store.audit(AuditEvent.refused(
          now, actor, ACTION_REVOKE, deviceId, exists ? "already_revoked" : EnrollmentException.UNKNOWN_DEVICE, null));
      return false;
    }
    LOG.info("Device {} revoked by {}", deviceId, actor);
    return true;
  }

  /** Mints a claim token for {@code group}; the plaintext token is in the result only. */
  public MintedToken mintClaimToken(String group, Duration ttl, String actor) {
    requireActor(actor);
    if (ttl == null || ttl.compareTo(settings.maxClaimTokenTtl()) > 0) {
      throw new IllegalArgumentException(
          "claim token lifetime must be at most " + settings.maxClaimTokenTtl().toHours() + " hours");
    }
    MintedToken minted = tokens.mint(group, ttl, actor);
    ClaimTokenRecord r = minted.record();
    store.insertClaimToken(r, AuditEvent.allowed(r.createdAt(), actor, ACTION_MINT, r.tokenId(), null));
    LOG.info("Claim token {} minted by {} for group {}, valid until {}", r.tokenId(), actor, group, r.expiresAt());
    return minted;
  }

  // ---------------------------------------------------------------- helpers

  private EnrollmentResult result(String deviceId, String group, X509Certificate cert) {
    return new EnrollmentResult(
        deviceId, group, cert, ca.chainFor(cert), ca.root(), cert.getNotAfter().toInstant(),
        EnrollmentResult.renewAfter(cert));
  }

  private EnrollmentException refuse(
      Instant now, String actor, String action, String subject, String source, EnrollmentException e) {
    store.audit(AuditEvent.refused(now, actor, action, subject, e.code(), source));
    LOG.info("Refused {} of {} from {}: {}", action, subject == null ? "-" : subject, source, e.code());
    return e;
  }

  private static void requireActor(String actor) {
    if (actor == null || actor.isBlank() || actor.length() > 128) {
      throw new IllegalArgumentException("actor must name who is acting (1-128 characters)");
    }
  }
}
