package io.fedge.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A device's certificate signing request, checked: at most 8 KiB of PEM, well-formed PKCS#10, an
 * EC key on P-256 or P-384 whose point lies on the curve, and a valid ECDSA self-signature (proof
 * that the sender holds the private key). The requested subject is ignored: the hub names devices.
 */
public final class Csr {
  public static final int MAX_PEM_BYTES = 8 * 1024;

  private static final Map<ASN1ObjectIdentifier, String> CURVES =
      Map.of(SECObjectIdentifiers.secp256r1, "secp256r1", SECObjectIdentifiers.secp384r1, "secp384r1");
  private static final Set<ASN1ObjectIdentifier> SIGNATURES =
      Set.of(
          X9ObjectIdentifiers.ecdsa_with_SHA256,
          X9ObjectIdentifiers.ecdsa_with_SHA384,
          X9ObjectIdentifiers.ecdsa_with_SHA512);

  private final PKCS10CertificationRequest request;
  private final PublicKey publicKey;
  private final String fingerprint;

  private Csr(PKCS10CertificationRequest request, PublicKey publicKey) {
    this.request = request;
    this.publicKey = publicKey;
    this.fingerprint = Hashes.fingerprint(publicKey);
  }

  /** Parses and verifies; every failure is an {@link EnrollmentException}. */
  public static Csr parse(String pem) {
    if (pem == null || pem.isBlank()) {
      throw EnrollmentException.malformedCsr("the certificate request is missing");
    }
    if (pem.length() > MAX_PEM_BYTES || pem.getBytes(StandardCharsets.UTF_8).length > MAX_PEM_BYTES) {
      throw EnrollmentException.malformedCsr("the certificate request is larger than 8 KiB");
    }
    PKCS10CertificationRequest req;
    SubjectPublicKeyInfo spki;
    try {
      req = Pem.readCsr(pem);
      spki = req.getSubjectPublicKeyInfo();
      if (spki == null || req.getSignatureAlgorithm() == null) {
        throw new IllegalArgumentException("incomplete request");
      }
    } catch (RuntimeException e) {
      throw EnrollmentException.malformedCsr("the certificate request is not valid PEM-encoded PKCS#10");
    }

    PublicKey key;
    try {
      key = ecKey(spki);
    } catch (EnrollmentException e) {
      throw e;
    } catch (RuntimeException e) {
      // Bouncy Castle parses lazily: a damaged structure can surface here (e.g. an unaligned BIT STRING).
      throw EnrollmentException.malformedCsr("the request's public key cannot be read");
    }

    if (!SIGNATURES.contains(req.getSignatureAlgorithm().getAlgorithm())) {
      throw EnrollmentException.csrSignatureInvalid(
          "the certificate request must be signed with ECDSA over SHA-256, SHA-384 or SHA-512");
    }
    boolean valid;
    try {
      valid = req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (Exception e) {
      valid = false;
    }
    if (!valid) {
      throw EnrollmentException.csrSignatureInvalid("the certificate request's signature does not verify");
    }
    return new Csr(req, key);
  }

  private static PublicKey ecKey(SubjectPublicKeyInfo spki) {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())) {
      throw EnrollmentException.unsupportedKey("the request carries a non-EC key");
    }
    Object params = spki.getAlgorithm().getParameters();
    if (!(params instanceof ASN1ObjectIdentifier) || !CURVES.containsKey(params)) {
      throw EnrollmentException.unsupportedKey("the request's EC key is not on a named curve this hub accepts");
    }
    String curve = CURVES.get(params);
    byte[] point = spki.getPublicKeyData().getOctets();
    if (point.length == 0 || point[0] != 0x04) {
      throw EnrollmentException.unsupportedKey("the request's EC point must be uncompressed");
    }
    try {
      // decodePoint validates that the point lies on the curve.
      ECNamedCurveTable.getByName(curve).getCurve().decodePoint(point);
    } catch (RuntimeException e) {
      throw EnrollmentException.malformedCsr("the request's EC public key is not a point on " + curve);
    }
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new X509EncodedKeySpec(spki.getEncoded(ASN1Encoding.DER)));
    } catch (Exception e) {
      throw EnrollmentException.malformedCsr("the request's public key cannot be decoded");
    }
  }

  /** Device side: a PEM CSR for {@code kp}, signed SHA256withECDSA, subject {@code CN=subjectCn}. */
  public static String create(KeyPair kp, String subjectCn) {
    try {
      X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, subjectCn);
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
      PKCS10CertificationRequest req =
          new JcaPKCS10CertificationRequestBuilder(name.build(), kp.getPublic()).build(signer);
      return Pem.csr(req);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot create a certificate request for this key pair: " + e.getMessage(), e);
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Lower-case hex SHA-256 of the key's SubjectPublicKeyInfo DER. */
  public String publicKeyFingerprint() {
    return fingerprint;
  }

  PKCS10CertificationRequest request() {
    return request;
  }
}
