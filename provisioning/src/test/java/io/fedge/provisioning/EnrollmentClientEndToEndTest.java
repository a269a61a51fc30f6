package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.provisioning.ClaimTokens.MintedToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentClientEndToEndTest {
  @TempDir Path dir;

  private final InMemoryProvisioningStore store = new InMemoryProvisioningStore();
  private CertificateAuthority ca;
  private EnrollmentService service;
  private TestEnrollmentHttpServer hub;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), Clock.systemUTC());
    service = new EnrollmentService(
        ca, store, new RateLimiter(RateLimiter.Settings.defaults()), Clock.systemUTC(), EnrollmentSettings.defaults());
    hub = new TestEnrollmentHttpServer(ca, service);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private ClaimBundle bundle(String fingerprint) {
    MintedToken t = service.mintClaimToken("plant-1", Duration.ofHours(1), "alice");
    return new ClaimBundle(hub.url(), fingerprint, t.token(), "line 3");
  }

  @Test
  void enrollment_with_the_right_pin_returns_verified_credentials() throws Exception {
    KeyPair kp = EnrollmentClient.newDeviceKey();
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(kp);

    assertThat(creds.deviceId()).isEqualTo(DeviceIdentityRules.deviceIdFor(Hashes.fingerprint(kp.getPublic())));
    assertThat(creds.group()).isEqualTo("plant-1");
    assertThat(creds.root()).isEqualTo(ca.root());
    assertThat(creds.chain()).hasSize(2).last().isEqualTo(ca.intermediate());
    assertThat(creds.mqtt()).isEqualTo(TestEnrollmentHttpServer.MQTT);
    assertThat(creds.hubUrl()).isEqualTo(hub.url());
    assertThat(creds.renewAfter()).isBefore(creds.notAfter());
    assertThat(store.findDevice(creds.deviceId())).isPresent();
  }

  @Test
  void a_wrong_pin_fails_the_tls_handshake_before_any_request_reaches_the_hub() throws Exception {
    ClaimBundle b = bundle("ab".repeat(32));
    assertThatThrownBy(() -> new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey()))
        .isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof SSLHandshakeException));
    assertThat(hub.requestsHandled.get()).isZero();
    assertThat(store.deviceCount()).isZero();
    assertThat(store.auditTrail(null, 10)).extracting(a -> a.action()).containsOnly("claim-token.mint");
  }

  @Test
  void a_pin_of_another_hubs_root_fails_too() throws Exception {
    CertificateAuthority other = CertificateAuthority.loadOrCreate(dir.resolve("other"), Clock.systemUTC());
    ClaimBundle b = bundle(other.rootFingerprint());
    assertThatThrownBy(() -> new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey())).isInstanceOf(IOException.class);
    assertThat(hub.requestsHandled.get()).isZero();
  }

  @Test
  void a_refusal_reaches_the_device_with_the_hubs_code_status_and_message() throws Exception {
    ClaimBundle b = bundle(ca.rootFingerprint());
    EnrollmentClient client = new EnrollmentClient(b);
    client.enroll(EnrollmentClient.newDeviceKey());
    assertThatThrownBy(() -> client.enroll(EnrollmentClient.newDeviceKey()))
        .isInstanceOfSatisfying(EnrollmentException.class, e -> {
          assertThat(e.code()).isEqualTo("token_used");
          assertThat(e.httpStatus()).isEqualTo(409);
          assertThat(e.getMessage()).contains("ask an operator").doesNotContain(b.token());
        });
  }

  @Test
  void renewal_over_mutual_tls_issues_a_new_certificate_for_a_rotated_key() throws Exception {
    KeyPair kp = EnrollmentClient.newDeviceKey();
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(kp);
    KeyPair next = EnrollmentClient.newDeviceKey();

    DeviceCredentials renewed = new EnrollmentClient(null, Duration.ofSeconds(30)).renew(creds, next);
    assertThat(renewed.deviceId()).isEqualTo(creds.deviceId());
    assertThat(renewed.certificate().getPublicKey()).isEqualTo(next.getPublic());
    assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(creds.certificate().getSerialNumber());
    assertThat(store.findDevice(creds.deviceId()).orElseThrow().certSerial())
        .isEqualTo(renewed.certificate().getSerialNumber().toString(16));
    assertThat(store.auditTrail(creds.deviceId(), 1).get(0).action()).isEqualTo("renew");
  }

  @Test
  void renewal_of_a_revoked_device_is_refused_with_device_revoked() throws Exception {
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(EnrollmentClient.newDeviceKey());
    service.revoke(creds.deviceId(), "alice", "stolen");
    assertThatThrownBy(() -> new EnrollmentClient(null, Duration.ofSeconds(30)).renew(creds, EnrollmentClient.newDeviceKey()))
        .isInstanceOfSatisfying(EnrollmentException.class, e -> assertThat(e.code()).isEqualTo("device_revoked"));
  }

  @Test
  void credentials_survive_a_save_and_load_round_trip_with_an_owner_only_key() throws Exception {
    KeyPair kp = EnrollmentClient.newDeviceKey();
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(kp);
    Path idDir = dir.resolve("identity");
    assertThat(DeviceCredentials.load(idDir)).isEmpty();
    creds.save(idDir);

    DeviceCredentials loaded = DeviceCredentials.load(idDir).orElseThrow();
    assertThat(loaded.deviceId()).isEqualTo(creds.deviceId());
    assertThat(loaded.group()).isEqualTo(creds.group());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(loaded.chain()).isEqualTo(creds.chain());
    assertThat(loaded.root()).isEqualTo(creds.root());
    assertThat(loaded.mqtt()).isEqualTo(creds.mqtt());
    assertThat(loaded.notAfter()).isEqualTo(creds.notAfter());
    assertThat(loaded.renewAfter()).isEqualTo(creds.renewAfter());
    assertThat(loaded.hubUrl()).isEqualTo(creds.hubUrl());
    try (var files = Files.list(idDir)) {
      List<Path> keys = files.filter(p -> p.getFileName().toString().endsWith(".key.pem")).toList();
      assertThat(keys).hasSize(1);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.get(0)))).isEqualTo("rw-------");
    }

    // a renewal saved over it replaces the generation and leaves no stale key behind
    DeviceCredentials renewed = new EnrollmentClient(null, Duration.ofSeconds(30)).renew(loaded, EnrollmentClient.newDeviceKey());
    renewed.save(idDir);
    assertThat(DeviceCredentials.load(idDir).orElseThrow().certificate()).isEqualTo(renewed.certificate());
    try (var files = Files.list(idDir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .hasSize(4)
          .filteredOn(n -> n.endsWith(".key.pem")).hasSize(1);
    }
  }

  @Test
  void an_identity_whose_key_does_not_match_its_certificate_is_refused_on_load() throws Exception {
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(EnrollmentClient.newDeviceKey());
    Path idDir = dir.resolve("identity");
    creds.save(idDir);
    try (var files = Files.list(idDir)) {
      Path key = files.filter(p -> p.getFileName().toString().endsWith(".key.pem")).findFirst().orElseThrow();
      Pem.writeSecret(key, Pem.privateKey(EnrollmentClient.newDeviceKey().getPrivate()));
    }
    assertThatThrownBy(() -> DeviceCredentials.load(idDir)).isInstanceOf(IOException.class).hasMessageContaining("does not match");
  }

  @Test
  void credentials_know_when_to_renew() throws Exception {
    DeviceCredentials creds = new EnrollmentClient(bundle(ca.rootFingerprint())).enroll(EnrollmentClient.newDeviceKey());
    assertThat(creds.shouldRenew(Instant.now())).isFalse();
    assertThat(creds.shouldRenew(creds.renewAfter())).isTrue();
    assertThat(creds.toString()).contains("redacted");
  }

  private static List<Throwable> causes(Throwable t) {
    java.util.ArrayList<Throwable> out = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && out.size() < 20; c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
