package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import io.fedge.provisioning.store.ClaimTokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One-time claim tokens: {@code fct_<tokenId>.<secret>}. The token id is 16 random lower-case
 * base32 characters (80 bits) used to look the token up; the secret is 32 random bytes,
 * base64url without padding (43 characters). The hub stores only SHA-256 of the secret as sent
 * (its 43 ASCII characters), so a database leak does not leak usable tokens, and hashing the
 * text rather than the decoded bytes leaves no room for alternative encodings of one secret.
 */
public final class ClaimTokens {
  public static final String PREFIX = "fct_";
  static final int TOKEN_ID_CHARS = 16;
  static final int SECRET_BYTES = 32;
  static final int SECRET_CHARS = 43;
  /** Longest string {@link #parse} looks at; a real token is 64 characters. */
  static final int MAX_TOKEN_CHARS = 128;

  private final Clock clock;
  private final SecureRandom random;

  public ClaimTokens(Clock clock) {
    this(clock, new SecureRandom());
  }

  public ClaimTokens(Clock clock, SecureRandom random) {
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
  }

  /** The plaintext token, shown to the operator once, and the record to store (hash only). */
  public record MintedToken(String token, ClaimTokenRecord record) {
    @Override
    public String toString() {
      return "MintedToken[tokenId=" + record.tokenId() + ", group=" + record.group() + ", token=<redacted>]";
    }
  }

  /** A syntactically valid token split into its parts. */
  public record ParsedToken(String tokenId, String secret) {
    /** SHA-256 of the secret's ASCII characters. */
    public byte[] secretHash() {
      return Hashes.sha256(secret.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time comparison with a stored hash. */
    public boolean matches(byte[] storedHash) {
      return storedHash != null && MessageDigest.isEqual(secretHash(), storedHash);
    }

    @Override
    public String toString() {
      return "ParsedToken[tokenId=" + tokenId + ", secret=<redacted>]";
    }
  }

  /**
   * @param group device group every device enrolled with the token joins ({@code Ids.isValid})
   * @param ttl how long the token stays valid; positive
   * @param createdBy the operator minting it
   */
  public MintedToken mint(String group, Duration ttl, String createdBy) {
    if (!Ids.isValid(group)) {
      throw new IllegalArgumentException("group must be 3-64 characters of [a-z0-9-] starting with a letter or digit");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("claim token lifetime must be positive");
    }
    if (createdBy == null || createdBy.isBlank()) {
      throw new IllegalArgumentException("createdBy must name the operator");
    }
    byte[] idBytes = new byte[10]; // 80 bits -> exactly 16 base32 characters
    random.nextBytes(idBytes);
    String tokenId = Base32.encode(idBytes);
    byte[] secretBytes = new byte[SECRET_BYTES];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    ParsedToken parsed = new ParsedToken(tokenId, secret);
    Instant now = clock.instant();
    ClaimTokenRecord record =
        new ClaimTokenRecord(tokenId, parsed.secretHash(), group, now, now.plus(ttl), null, null, createdBy);
    return new MintedToken(PREFIX + tokenId + "." + secret, record);
  }

  /**
   * Splits a token into id and secret, checking the format strictly.
   *
   * @throws EnrollmentException {@code invalid_token} if it is not a well-formed token (the
   *     message never repeats the input)
   */
  public static ParsedToken parse(String token) {
    if (token == null || token.length() > MAX_TOKEN_CHARS || !token.startsWith(PREFIX)) {
      throw badFormat();
    }
    int dot = token.indexOf('.');
    if (dot != PREFIX.length() + TOKEN_ID_CHARS || token.length() != dot + 1 + SECRET_CHARS) {
      throw badFormat();
    }
    String tokenId = token.substring(PREFIX.length(), dot);
    String secret = token.substring(dot + 1);
    if (!Base32.isLowerBase32(tokenId)) {
      throw badFormat();
    }
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw badFormat();
      }
    }
    return new ParsedToken(tokenId, secret);
  }

  /** True if {@code token} is well-formed. */
  public static boolean isWellFormed(String token) {
    try {
      parse(token);
      return true;
    } catch (EnrollmentException e) {
      return false;
    }
  }

  private static EnrollmentException badFormat() {
    return new EnrollmentException(
        EnrollmentException.INVALID_TOKEN,
        401,
        "the claim token is not in the format fct_<id>.<secret>; copy the whole token as the hub printed it");
  }
}
