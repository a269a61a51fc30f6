package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.provisioning.ClaimBundle;
import io.fedge.provisioning.Csr;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.EnrollmentException;
import io.fedge.provisioning.Pem;
import io.fedge.systest.support.DeviceClients;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad enrollment gets a clear refusal and leaves no state behind; strangers cannot connect. */
class EnrollmentRefusalIT {
  @TempDir static Path dir;
  static HubProcess hub;
  static OpsClient ops;

  @BeforeAll
  static void startHub() {
    hub = HubProcess.start("refusal-hub", dir.resolve("hub"), Map.of());
    ops = hub.ops();
  }

  @AfterAll
  static void stopHub() {
    hub.stop();
  }

  @Test
  void aReusedTokenIsRefusedAndEnrollsNoSecondDevice() throws Exception {
    ClaimBundle b = DeviceClients.bundle(ops.mintClaimBundle("reuse-group", 600));
    new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey());
    assertRefused(() -> new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey()), "token_used", 409);
    assertThat(devicesIn("reuse-group")).isEqualTo(1);
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    ClaimBundle b = DeviceClients.bundle(ops.mintClaimBundle("expiry-group", 1));
    Thread.sleep(1_500);
    assertRefused(() -> new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey()), "token_expired", 401);
    assertThat(devicesIn("expiry-group")).isZero();
  }

  @Test
  void aForgedTokenIsRefusedWithoutTellingWhichPartWasWrong() throws Exception {
    ClaimBundle b = DeviceClients.bundle(ops.mintClaimBundle("forge-group", 600));
    String t = b.token();
    char last = t.charAt(t.length() - 1);
    String wrongSecret = t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A');
    String wrongId = "fct_aaaaaaaaaaaaaaaa" + t.substring(t.indexOf('.'));
    for (String forged : List.of(wrongSecret, wrongId)) {
      ClaimBundle fb = new ClaimBundle(b.hubUrl(), b.caFingerprint(), forged, b.label());
      assertRefused(() -> new EnrollmentClient(fb).enroll(EnrollmentClient.newDeviceKey()), "invalid_token", 401);
    }
    assertThat(devicesIn("forge-group")).isZero();
    // The genuine token was not spent by the forgeries.
    new EnrollmentClient(b).enroll(EnrollmentClient.newDeviceKey());
    assertThat(devicesIn("forge-group")).isEqualTo(1);
  }

  @Test
  void aMalformedCsrIsRefusedAndTheTokenStaysUsable() throws Exception {
    JsonNode bundle = ops.mintClaimBundle("csr-group", 600);
    String token = bundle.path("token").asText();
    OpsClient.Response r = ops.postRaw("/enroll/v1/device", "{\"v\":1,\"token\":\"" + token + "\",\"csr\":\"not a csr\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("error").asText()).isEqualTo("malformed_csr");
    assertThat(r.body().path("message").asText()).isNotBlank();
    assertThat(devicesIn("csr-group")).isZero();
    new EnrollmentClient(DeviceClients.bundle(bundle)).enroll(EnrollmentClient.newDeviceKey());
    assertThat(devicesIn("csr-group")).isEqualTo(1);
  }

  @Test
  void aCsrWhoseKeyDoesNotMatchItsSignatureIsRefusedAndTheTokenStaysUsable() throws Exception {
    JsonNode bundle = ops.mintClaimBundle("pop-group", 600);
    KeyPair signer = EnrollmentClient.newDeviceKey();
    KeyPair claimed = EnrollmentClient.newDeviceKey();
    CertificationRequestInfo info =
        new CertificationRequestInfo(
            new X500Name("CN=fedge-device"), SubjectPublicKeyInfo.getInstance(claimed.getPublic().getEncoded()), new DERSet());
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer.getPrivate());
    s.update(info.getEncoded(ASN1Encoding.DER));
    String csr =
        Pem.csr(
            new PKCS10CertificationRequest(
                new CertificationRequest(
                    info, new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256), new DERBitString(s.sign()))));
    String body =
        io.fedge.federation.wire.WireCodec.mapper()
            .writeValueAsString(Map.of("v", 1, "token", bundle.path("token").asText(), "csr", csr));
    OpsClient.Response r = ops.postRaw("/enroll/v1/device", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("error").asText()).isEqualTo("csr_signature_invalid");
    assertThat(devicesIn("pop-group")).isZero();
    // A well-formed CSR of the same claimed key still enrolls with the same token.
    assertThat(Csr.parse(Csr.create(signer, "x")).publicKey()).isEqualTo(signer.getPublic());
    new EnrollmentClient(DeviceClients.bundle(bundle)).enroll(signer);
    assertThat(devicesIn("pop-group")).isEqualTo(1);
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedByTheBroker() throws Exception {
    DeviceCredentials real = DeviceClients.enroll(ops, "stranger-group");
    KeyPair key = EnrollmentClient.newDeviceKey();
    X500Name name = new X500Name("CN=" + real.deviceId() + ",OU=device,O=Fedge");
    X509Certificate self =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name, BigInteger.TEN, Date.from(Instant.now().minusSeconds(60)),
                        Date.from(Instant.now().plus(Duration.ofDays(1))), name, key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    // Same device id as a real device, and it trusts the real hub: only the issuer differs.
    assertThatThrownBy(() -> DeviceClients.connect(hub.mqttPort(), real.deviceId(), key.getPrivate(), List.of(self), real.root()))
        .isInstanceOf(org.eclipse.paho.mqttv5.common.MqttException.class);
    // The real one gets in.
    DeviceClients.connect(hub.mqttPort(), real).disconnect().waitForCompletion(5_000);
  }

  @Test
  void renewalWithoutAClientCertificateIsRefused() {
    OpsClient.Response r = ops.postRaw("/enroll/v1/renew", "{\"v\":1,\"csr\":\"x\"}");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body().path("error").asText()).isIn("client_certificate_required", "certificate_invalid");
  }

  @Test
  void theOpsApiRefusesRequestsWithoutTheToken() {
    OpsClient.Response r = ops.post("/api/v1/claim-tokens", Map.of("group", "x-group"), "wrong-token");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body().path("error").asText()).isEqualTo("unauthorized");
    assertThat(Files.exists(dir.resolve("hub").resolve("ops-token"))).isFalse(); // configured, never written
  }

  private static int devicesIn(String group) {
    return ops.get("/api/v1/devices?group=" + group).body().path("count").asInt();
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code, int status) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            EnrollmentException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.httpStatus()).isEqualTo(status);
              assertThat(e.getMessage()).isNotBlank();
            });
  }
}
