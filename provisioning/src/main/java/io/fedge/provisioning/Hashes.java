package io.fedge.provisioning;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 fingerprints and hex, the way every part of provisioning computes them. */
public final class Hashes {
  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Hashes() {}

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256(data));
  }

  /** Lower-case hex SHA-256 of the certificate's DER encoding. */
  public static String fingerprint(X509Certificate cert) {
    try {
      return sha256Hex(cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** Lower-case hex SHA-256 of the key's SubjectPublicKeyInfo (X.509) DER encoding. */
  public static String fingerprint(PublicKey key) {
    if (!"X.509".equals(key.getFormat())) {
      throw new IllegalArgumentException("public key is not X.509 (SubjectPublicKeyInfo) encoded");
    }
    return sha256Hex(key.getEncoded());
  }

  /** True if {@code s} is 64 lower-case hex characters. */
  public static boolean isSha256Hex(String s) {
    return s != null && HEX_SHA256.matcher(s).matches();
  }
}
