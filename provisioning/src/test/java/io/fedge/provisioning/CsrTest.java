package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrTest {
  private static final String VALID_PEM = validPem();

  private static String validPem() {
    try {
      return Csr.create(TestKeys.ec("secp256r1"), "anything");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_p256_csr_with_a_valid_signature_is_accepted_and_fingerprinted() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    Csr csr = Csr.parse(Csr.create(kp, "fedge-device"));
    assertThat(csr.publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
    assertThat(csr.publicKeyFingerprint()).isEqualTo(Hashes.sha256Hex(kp.getPublic().getEncoded())).matches("[0-9a-f]{64}");
  }

  @Test
  void a_p384_csr_is_accepted() throws Exception {
    KeyPair kp = TestKeys.ec("secp384r1");
    assertThat(Csr.parse(Csr.create(kp, "x")).publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
  }

  @Test
  void a_csr_signed_by_a_different_key_than_it_carries_is_refused_as_signature_invalid() throws Exception {
    KeyPair carried = TestKeys.ec("secp256r1");
    KeyPair signer = TestKeys.ec("secp256r1");
    PKCS10CertificationRequest req =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), carried.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
    assertCode(Pem.csr(req), EnrollmentException.CSR_SIGNATURE_INVALID);
  }

  @Test
  void a_csr_whose_signature_bytes_were_altered_is_refused_as_signature_invalid() throws Exception {
    PKCS10CertificationRequest req = Pem.readCsr(VALID_PEM);
    byte[] der = req.getEncoded();
    // the signature BIT STRING is at the end of the DER: flip a bit inside the ECDSA 's' value
    der[der.length - 3] ^= 0x01;
    String pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    assertCode(pem, EnrollmentException.CSR_SIGNATURE_INVALID);
  }

  @Test
  void an_rsa_key_is_refused_as_unsupported() throws Exception {
    KeyPair kp = TestKeys.rsa();
    PKCS10CertificationRequest req =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), kp.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
    assertCode(Pem.csr(req), EnrollmentException.UNSUPPORTED_KEY);
  }

  @Test
  void a_p521_key_is_refused_as_unsupported() throws Exception {
    assertCode(Csr.create(TestKeys.ec("secp521r1"), "x"), EnrollmentException.UNSUPPORTED_KEY);
  }

  @Test
  void garbage_empty_and_oversized_input_is_refused_as_malformed() {
    assertCode("hello", EnrollmentException.MALFORMED_CSR);
    assertCode("", EnrollmentException.MALFORMED_CSR);
    assertCode(null, EnrollmentException.MALFORMED_CSR);
    assertCode("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", EnrollmentException.MALFORMED_CSR);
    assertCode(VALID_PEM + " ".repeat(Csr.MAX_PEM_BYTES), EnrollmentException.MALFORMED_CSR);
  }

  @Test
  void a_certificate_in_place_of_a_csr_is_refused_as_malformed() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.loadOrCreate(java.nio.file.Files.createTempDirectory("ca"), java.time.Clock.systemUTC());
    assertCode(Pem.certificate(ca.root()), EnrollmentException.MALFORMED_CSR);
  }

  @Property(tries = 300)
  void any_random_bytes_fed_as_a_csr_yield_an_enrollment_exception_and_nothing_else(@ForAll @Size(max = 9000) byte[] bytes) {
    String input = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Csr.parse(input)).isExactlyInstanceOf(EnrollmentException.class);
  }

  @Property(tries = 300)
  void random_bytes_wrapped_in_pem_armour_yield_an_enrollment_exception(@ForAll @Size(max = 3000) byte[] bytes) {
    String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(bytes)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    assertThatThrownBy(() -> Csr.parse(pem)).isExactlyInstanceOf(EnrollmentException.class);
  }

  @Property(tries = 300)
  void a_valid_csr_with_one_corrupted_byte_is_either_still_the_same_key_or_refused(
      @ForAll("positions") int position, @ForAll byte xor) {
    byte[] der = Base64.getMimeDecoder().decode(
        VALID_PEM.replace("-----BEGIN CERTIFICATE REQUEST-----", "").replace("-----END CERTIFICATE REQUEST-----", ""));
    int at = position % der.length;
    der[at] ^= (xor == 0 ? 1 : xor);
    String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    try {
      Csr csr = Csr.parse(pem);
      // Only bytes the signature does not cover (e.g. DER length slack) could change unnoticed;
      // the key must then still be the original one.
      assertThat(csr.publicKeyFingerprint()).isEqualTo(Csr.parse(VALID_PEM).publicKeyFingerprint());
    } catch (EnrollmentException expected) {
      assertThat(expected.httpStatus()).isEqualTo(400);
    }
  }

  @Test
  void a_public_key_bit_string_with_nonzero_padding_bits_is_refused_as_malformed() {
    // Found by the property above: Bouncy Castle then throws IllegalStateException, which
    // must not escape as a server error.
    byte[] der = Base64.getMimeDecoder().decode(
        VALID_PEM.replace("-----BEGIN CERTIFICATE REQUEST-----", "").replace("-----END CERTIFICATE REQUEST-----", ""));
    int at = -1;
    for (int i = 0; i + 3 < der.length; i++) {
      if (der[i] == 0x03 && der[i + 1] == 0x42 && der[i + 2] == 0x00 && der[i + 3] == 0x04) {
        at = i + 2;
        break;
      }
    }
    assertThat(at).as("found the EC point's BIT STRING").isPositive();
    der[at] = 0x01;
    String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    assertCode(pem, "malformed_csr");
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  private static void assertCode(String pem, String code) {
    assertThatThrownBy(() -> Csr.parse(pem))
        .isInstanceOfSatisfying(EnrollmentException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.httpStatus()).isEqualTo(400);
        });
  }
}
