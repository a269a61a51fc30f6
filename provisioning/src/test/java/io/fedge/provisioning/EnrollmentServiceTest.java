package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.time.MutableClock;
import io.fedge.provisioning.ClaimTokens.MintedToken;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.DeviceRecord;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentServiceTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.now());
  private final InMemoryProvisioningStore store = new InMemoryProvisioningStore();
  private CertificateAuthority ca;
  private EnrollmentService service;

  @BeforeEach
  void setUp() throws Exception {
    ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), clock);
    service = newService(new RateLimiter(RateLimiter.Settings.defaults()));
  }

  private EnrollmentService newService(RateLimiter rl) {
    return new EnrollmentService(ca, store, rl, clock, new EnrollmentSettings(Duration.ofDays(30), Duration.ofDays(7)));
  }

  private MintedToken mint() {
    return service.mintClaimToken("plant-1", Duration.ofHours(1), "alice");
  }

  private static String csr(KeyPair kp) {
    return Csr.create(kp, "whatever");
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable r, String code, int status) {
    assertThatThrownBy(r)
        .isInstanceOfSatisfying(EnrollmentException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.httpStatus()).isEqualTo(status);
        });
  }

  private AuditEvent lastAudit() {
    return store.auditTrail(null, 1).get(0);
  }

  @Test
  void a_valid_token_and_csr_enroll_a_device_with_a_key_derived_id() throws Exception {
    MintedToken t = mint();
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult r = service.enroll(t.token(), csr(kp), "10.0.0.5");

    String expectedId = DeviceIdentityRules.deviceIdFor(Hashes.fingerprint(kp.getPublic()));
    assertThat(r.deviceId()).isEqualTo(expectedId);
    assertThat(r.group()).isEqualTo("plant-1");
    assertThat(r.cert().getPublicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
    assertThat(r.chain()).containsExactly(r.cert(), ca.intermediate(), ca.root());
    assertThat(r.root()).isEqualTo(ca.root());
    assertThat(CertificateAuthority.identityOf(r.cert())).isEqualTo(new Identity(expectedId, Identity.Role.DEVICE));
    Instant issued = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    assertThat(r.notAfter()).isEqualTo(r.cert().getNotAfter().toInstant());
    // Two thirds of the lifetime counted from issue, not from the back-dated notBefore.
    assertThat(Duration.between(issued, r.renewAfter()))
        .isEqualTo(Duration.between(issued, r.notAfter()).multipliedBy(2).dividedBy(3));

    DeviceRecord d = store.findDevice(expectedId).orElseThrow();
    assertThat(d.group()).isEqualTo("plant-1");
    assertThat(d.publicKeyFingerprint()).isEqualTo(Hashes.fingerprint(kp.getPublic()));
    assertThat(d.certSerial()).isEqualTo(r.cert().getSerialNumber().toString(16));
    assertThat(store.findClaimToken(t.record().tokenId()).orElseThrow().usedBy()).isEqualTo(expectedId);
    assertThat(lastAudit()).isEqualTo(AuditEvent.allowed(clock.instant(), "anonymous", "enroll", expectedId, "10.0.0.5"));
  }

  @Test
  void a_reused_token_is_refused_as_token_used() throws Exception {
    MintedToken t = mint();
    service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip");
    assertRefused(() -> service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip"), "token_used", 409);
    assertThat(store.deviceCount()).isEqualTo(1);
    assertThat(lastAudit().reason()).isEqualTo("token_used");
  }

  @Test
  void the_same_device_asking_again_after_a_lost_answer_gets_a_fresh_certificate() throws Exception {
    MintedToken t = mint();
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult first = service.enroll(t.token(), csr(kp), "ip");
    clock.advance(Duration.ofSeconds(5));
    EnrollmentResult again = service.enroll(t.token(), csr(kp), "ip");

    assertThat(again.deviceId()).isEqualTo(first.deviceId());
    assertThat(again.cert().getSerialNumber()).isNotEqualTo(first.cert().getSerialNumber());
    assertThat(again.cert().getPublicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
    assertThat(store.deviceCount()).isEqualTo(1);
    assertThat(store.findDevice(first.deviceId()).orElseThrow().certSerial())
        .isEqualTo(again.cert().getSerialNumber().toString(16));
    assertThat(lastAudit().outcome()).isEqualTo("allowed");
  }

  @Test
  void a_short_lived_certificate_is_renewed_after_two_thirds_of_its_life_not_at_once() throws Exception {
    EnrollmentService shortLived =
        new EnrollmentService(
            ca, store, new RateLimiter(RateLimiter.Settings.defaults()), clock,
            new EnrollmentSettings(Duration.ofSeconds(30), Duration.ofDays(7)));
    MintedToken t = shortLived.mintClaimToken("plant-1", Duration.ofHours(1), "alice");
    EnrollmentResult r = shortLived.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip");
    assertThat(r.renewAfter()).isAfter(clock.instant().plusSeconds(15)).isBefore(clock.instant().plusSeconds(21));
  }

  @Test
  void a_revoked_device_cannot_reuse_its_spent_token() throws Exception {
    MintedToken t = mint();
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult first = service.enroll(t.token(), csr(kp), "ip");
    service.revoke(first.deviceId(), "alice", "stolen");
    assertRefused(() -> service.enroll(t.token(), csr(kp), "ip"), "device_revoked", 403);
  }

  @Test
  void an_expired_token_is_refused_as_token_expired() throws Exception {
    MintedToken t = mint();
    clock.advance(Duration.ofHours(1));
    assertRefused(() -> service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip"), "token_expired", 401);
    assertThat(store.deviceCount()).isZero();
    assertThat(lastAudit()).isEqualTo(
        AuditEvent.refused(clock.instant(), "anonymous", "enroll", t.record().tokenId(), "token_expired", "ip"));
  }

  @Test
  void a_forged_secret_is_refused_as_invalid_token() throws Exception {
    MintedToken t = mint();
    String forged = ClaimTokens.PREFIX + t.record().tokenId() + "." + "A".repeat(43);
    assertRefused(() -> service.enroll(forged, csr(TestKeys.ec("secp256r1")), "ip"), "invalid_token", 401);
    assertThat(lastAudit().reason()).isEqualTo("invalid_token");
    assertThat(store.findClaimToken(t.record().tokenId()).orElseThrow().usedAt()).isNull();
  }

  @Test
  void an_unknown_token_is_refused_as_invalid_token() throws Exception {
    MintedToken other = new ClaimTokens(clock).mint("plant-1", Duration.ofHours(1), "bob"); // never stored
    assertRefused(() -> service.enroll(other.token(), csr(TestKeys.ec("secp256r1")), "ip"), "invalid_token", 401);
    assertRefused(() -> service.enroll("not-a-token", csr(TestKeys.ec("secp256r1")), "ip"), "invalid_token", 401);
    assertThat(store.auditTrail(null, 10)).extracting(AuditEvent::reason).startsWith("invalid_token", "invalid_token");
  }

  @Test
  void a_malformed_csr_is_refused_and_leaves_the_token_usable_and_no_device() throws Exception {
    MintedToken t = mint();
    assertRefused(() -> service.enroll(t.token(), "-----BEGIN CERTIFICATE REQUEST-----\nxx\n", "ip"), "malformed_csr", 400);
    assertThat(store.deviceCount()).isZero();
    assertThat(store.findClaimToken(t.record().tokenId()).orElseThrow().usedAt()).isNull();
    assertThat(lastAudit().reason()).isEqualTo("malformed_csr");

    EnrollmentResult r = service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip");
    assertThat(store.findDevice(r.deviceId())).isPresent();
  }

  @Test
  void an_rsa_csr_is_refused_as_unsupported_key_without_consuming_the_token() throws Exception {
    MintedToken t = mint();
    KeyPair rsa = TestKeys.rsa();
    String pem = Pem.csr(new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
            new org.bouncycastle.asn1.x500.X500Name("CN=x"), rsa.getPublic())
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(rsa.getPrivate())));
    assertRefused(() -> service.enroll(t.token(), pem, "ip"), "unsupported_key", 400);
    assertThat(store.findClaimToken(t.record().tokenId()).orElseThrow().usedAt()).isNull();
  }

  @Test
  void a_key_that_is_already_enrolled_is_refused_as_device_exists() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    service.enroll(mint().token(), csr(kp), "ip");
    MintedToken second = mint();
    assertRefused(() -> service.enroll(second.token(), csr(kp), "ip"), "device_exists", 409);
    assertThat(store.findClaimToken(second.record().tokenId()).orElseThrow().usedAt()).isNull();
  }

  @Test
  void too_many_attempts_from_one_source_are_refused_as_rate_limited_before_anything_else() throws Exception {
    service = newService(new RateLimiter(new RateLimiter.Settings(0.001, 2, 100, 100, 100, Duration.ofMinutes(10))));
    MintedToken t = mint();
    assertRefused(() -> service.enroll("bad", "bad", "1.2.3.4"), "invalid_token", 401);
    assertRefused(() -> service.enroll("bad", "bad", "1.2.3.4"), "invalid_token", 401);
    assertRefused(() -> service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "1.2.3.4"), "rate_limited", 429);
    assertThat(lastAudit()).isEqualTo(AuditEvent.refused(clock.instant(), "anonymous", "enroll", null, "rate_limited", "1.2.3.4"));
    assertThat(store.findClaimToken(t.record().tokenId()).orElseThrow().usedAt()).isNull();
    // another source is unaffected
    assertThat(service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "5.6.7.8").group()).isEqualTo("plant-1");
  }

  @Test
  void a_device_renews_with_its_valid_certificate_and_may_rotate_its_key() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult first = service.enroll(mint().token(), csr(kp), "ip");
    clock.advance(Duration.ofDays(21));

    KeyPair next = TestKeys.ec("secp256r1");
    EnrollmentResult renewed = service.renew(first.cert(), csr(next), "ip");
    assertThat(renewed.deviceId()).isEqualTo(first.deviceId());
    assertThat(renewed.group()).isEqualTo("plant-1");
    assertThat(renewed.cert().getPublicKey().getEncoded()).isEqualTo(next.getPublic().getEncoded());
    assertThat(renewed.notAfter()).isAfter(first.notAfter());
    DeviceRecord d = store.findDevice(first.deviceId()).orElseThrow();
    assertThat(d.certSerial()).isEqualTo(renewed.cert().getSerialNumber().toString(16));
    assertThat(d.certNotAfter()).isEqualTo(renewed.notAfter());
    assertThat(lastAudit()).isEqualTo(AuditEvent.allowed(clock.instant(), first.deviceId(), "renew", first.deviceId(), "ip"));

    // keeping the same key is allowed too
    EnrollmentResult again = service.renew(renewed.cert(), csr(next), "ip");
    assertThat(again.cert().getPublicKey()).isEqualTo(next.getPublic());
  }

  @Test
  void renewal_of_a_revoked_device_is_refused_as_device_revoked() throws Exception {
    EnrollmentResult r = service.enroll(mint().token(), csr(TestKeys.ec("secp256r1")), "ip");
    assertThat(service.revoke(r.deviceId(), "alice", "stolen")).isTrue();
    assertThat(lastAudit()).isEqualTo(AuditEvent.allowed(clock.instant(), "alice", "revoke", r.deviceId(), null));
    assertRefused(() -> service.renew(r.cert(), csr(TestKeys.ec("secp256r1")), "ip"), "device_revoked", 403);
    assertThat(lastAudit().reason()).isEqualTo("device_revoked");
    assertThat(service.revoke(r.deviceId(), "alice", "again")).isFalse();
    assertThat(lastAudit().reason()).isEqualTo("already_revoked");
    assertThat(service.revoke("d-nosuchdevice", "alice", "typo")).isFalse();
    assertThat(lastAudit().reason()).isEqualTo("unknown_device");
  }

  @Test
  void renewal_with_a_certificate_from_another_ca_is_refused() throws Exception {
    CertificateAuthority other = CertificateAuthority.loadOrCreate(dir.resolve("other"), clock);
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult r = service.enroll(mint().token(), csr(kp), "ip");
    // same subject and key, but signed by a foreign CA
    X509Certificate foreign = other.issueDevice(kp.getPublic(), r.deviceId(), "plant-1", Duration.ofDays(30));
    assertRefused(() -> service.renew(foreign, csr(kp), "ip"), "certificate_invalid", 401);
    assertThat(lastAudit().outcome()).isEqualTo("refused");
  }

  @Test
  void renewal_with_an_expired_certificate_or_none_or_a_service_certificate_is_refused() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    EnrollmentResult r = service.enroll(mint().token(), csr(kp), "ip");
    assertRefused(() -> service.renew(null, csr(kp), "ip"), "certificate_invalid", 401);
    X509Certificate svc = ca.issueService(kp.getPublic(), "hub-mqtt", Duration.ofDays(1));
    assertRefused(() -> service.renew(svc, csr(kp), "ip"), "certificate_invalid", 401);
    clock.advance(Duration.ofDays(31));
    assertRefused(() -> service.renew(r.cert(), csr(kp), "ip"), "certificate_invalid", 401);
  }

  @Test
  void renewal_for_a_device_the_store_does_not_know_is_refused_as_unknown_device() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    X509Certificate orphan = ca.issueDevice(kp.getPublic(), "d-ghost", "plant-1", Duration.ofDays(1));
    assertRefused(() -> service.renew(orphan, csr(kp), "ip"), "unknown_device", 403);
  }

  @Test
  void renewal_with_another_devices_enrollment_key_is_refused_as_key_mismatch() throws Exception {
    KeyPair a = TestKeys.ec("secp256r1");
    KeyPair b = TestKeys.ec("secp256r1");
    EnrollmentResult ra = service.enroll(mint().token(), csr(a), "ip");
    service.enroll(mint().token(), csr(b), "ip");
    assertRefused(() -> service.renew(ra.cert(), csr(b), "ip"), "key_mismatch", 400);
  }

  @Test
  void every_decision_appears_in_the_audit_trail() throws Exception {
    MintedToken t = mint();
    assertRefused(() -> service.enroll("junk", "junk", "ip"), "invalid_token", 401);
    assertRefused(() -> service.enroll(t.token(), "junk", "ip"), "malformed_csr", 400);
    EnrollmentResult r = service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip");
    assertRefused(() -> service.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip"), "token_used", 409);
    service.renew(r.cert(), csr(TestKeys.ec("secp256r1")), "ip");
    service.revoke(r.deviceId(), "alice", "decommissioned");

    List<AuditEvent> trail = store.auditTrail(null, 100);
    assertThat(trail).extracting(e -> e.action() + ":" + e.outcome() + ":" + e.reason())
        .containsExactly(
            "revoke:allowed:null",
            "renew:allowed:null",
            "enroll:refused:token_used",
            "enroll:allowed:null",
            "enroll:refused:malformed_csr",
            "enroll:refused:invalid_token",
            "claim-token.mint:allowed:null");
    assertThat(store.auditTrail(r.deviceId(), 100)).hasSize(3);
  }

  @Test
  void a_lost_race_in_the_store_is_reported_as_token_used_and_audited_as_refused() throws Exception {
    MintedToken t = mint();
    InMemoryProvisioningStore racing = new InMemoryProvisioningStore() {
      private boolean first = true;

      @Override
      public synchronized boolean completeEnrollment(String tokenId, Instant usedAt, DeviceRecord device, AuditEvent a) {
        if (first) { // a concurrent enrollment wins just before ours commits
          first = false;
          DeviceRecord other = new DeviceRecord("d-winner", "plant-1", "f".repeat(64), "1", usedAt, usedAt, null, null);
          super.completeEnrollment(tokenId, usedAt, other, AuditEvent.allowed(usedAt, "anonymous", "enroll", "d-winner", "x"));
        }
        return super.completeEnrollment(tokenId, usedAt, device, a);
      }
    };
    racing.insertClaimToken(t.record(), AuditEvent.allowed(clock.instant(), "alice", "claim-token.mint", t.record().tokenId(), null));
    EnrollmentService s = new EnrollmentService(ca, racing, new RateLimiter(RateLimiter.Settings.defaults()), clock, EnrollmentSettings.defaults());
    assertRefused(() -> s.enroll(t.token(), csr(TestKeys.ec("secp256r1")), "ip"), "token_used", 409);
    assertThat(racing.auditTrail(null, 1).get(0).outcome()).isEqualTo("refused");
    assertThat(racing.deviceCount()).isEqualTo(1);
  }

  @Test
  void minting_enforces_the_maximum_lifetime_and_is_audited() {
    assertThatThrownBy(() -> service.mintClaimToken("plant-1", Duration.ofDays(8), "alice"))
        .isInstanceOf(IllegalArgumentException.class);
    MintedToken t = mint();
    assertThat(store.findClaimToken(t.record().tokenId())).isPresent();
    assertThat(lastAudit()).isEqualTo(AuditEvent.allowed(clock.instant(), "alice", "claim-token.mint", t.record().tokenId(), null));
  }
}
