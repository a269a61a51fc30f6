package io.fedge.provisioning.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 (the JDK's provider) for passwords and one-time codes (the agent dashboard, the hub console).
 *
 * <p>Stored form: {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}, so the iteration count
 * can be raised later without breaking stored hashes. 600,000 iterations is OWASP's 2023 figure for
 * PBKDF2-HMAC-SHA256; verification compares in constant time.
 */
public final class PasswordHasher {
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final int iterations;
  private final SecureRandom random;

  public PasswordHasher(int iterations, SecureRandom random) {
    if (iterations < 10_000) {
      throw new IllegalArgumentException("at least 10,000 PBKDF2 iterations, was " + iterations);
    }
    this.iterations = iterations;
    this.random = random;
  }

  public String hash(String secret) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return PREFIX + "$" + iterations + "$" + b64(salt) + "$" + b64(derive(secret, salt, iterations));
  }

  /** True if {@code secret} matches {@code stored}; false for a wrong secret or a malformed record. */
  public boolean verify(String secret, String stored) {
    String[] p = stored == null ? new String[0] : stored.split("\\$");
    if (p.length != 4 || !PREFIX.equals(p[0])) {
      return false;
    }
    try {
      int n = Integer.parseInt(p[1]);
      if (n < 10_000 || n > 100_000_000) {
        return false;
      }
      byte[] salt = Base64.getDecoder().decode(p[2]);
      byte[] expected = Base64.getDecoder().decode(p[3]);
      return MessageDigest.isEqual(derive(secret, salt, n), expected);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Spends the same time as a verification, for a user that does not exist (no timing oracle). */
  public void burn(String secret) {
    derive(secret, new byte[SALT_BYTES], iterations);
  }

  private static byte[] derive(String secret, byte[] salt, int iterations) {
    char[] chars = secret.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java runtime", e);
    } finally {
      spec.clearPassword();
      java.util.Arrays.fill(chars, '\0');
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().withoutPadding().encodeToString(b);
  }
}
