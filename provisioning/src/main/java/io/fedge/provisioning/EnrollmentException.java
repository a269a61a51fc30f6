package io.fedge.provisioning;

/**
 * A refusal, as sent to the device: a stable machine-readable {@link #code()}, the HTTP status it
 * maps to, and a message saying what happened and what to do next. Messages never contain token
 * secrets or key material, so they are safe to return and to log.
 */
public final class EnrollmentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String MALFORMED_REQUEST = "malformed_request";
  public static final String MALFORMED_CSR = "malformed_csr";
  public static final String CSR_SIGNATURE_INVALID = "csr_signature_invalid";
  public static final String UNSUPPORTED_KEY = "unsupported_key";
  public static final String INVALID_TOKEN = "invalid_token";
  public static final String TOKEN_EXPIRED = "token_expired";
  public static final String TOKEN_USED = "token_used";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String DEVICE_REVOKED = "device_revoked";
  public static final String UNKNOWN_DEVICE = "unknown_device";
  public static final String DEVICE_EXISTS = "device_exists";
  public static final String KEY_MISMATCH = "key_mismatch";
  public static final String VERSION_UNSUPPORTED = "version_unsupported";
  /** Renewal: the client certificate is missing, not issued by this hub, or not currently valid. */
  public static final String CERTIFICATE_INVALID = "certificate_invalid";
  /** Client side only: the hub answered with something that is not a valid enrollment response. */
  public static final String BAD_RESPONSE = "bad_response";

  private final String code;
  private final int httpStatus;

  public EnrollmentException(String code, int httpStatus, String message) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public String toString() {
    return "EnrollmentException[" + code + ", " + httpStatus + "]: " + getMessage();
  }

  public static EnrollmentException malformedRequest(String message) {
    return new EnrollmentException(MALFORMED_REQUEST, 400, message);
  }

  public static EnrollmentException malformedCsr(String what) {
    return new EnrollmentException(
        MALFORMED_CSR, 400, what + "; send one PEM-encoded PKCS#10 certificate request (at most 8 KiB)");
  }

  public static EnrollmentException csrSignatureInvalid(String what) {
    return new EnrollmentException(
        CSR_SIGNATURE_INVALID,
        400,
        what + "; the request must be signed by the private key whose public key it carries");
  }

  public static EnrollmentException unsupportedKey(String what) {
    return new EnrollmentException(
        UNSUPPORTED_KEY, 400, what + "; generate an EC key on curve P-256 (secp256r1) or P-384 and try again");
  }

  public static EnrollmentException invalidToken() {
    return new EnrollmentException(
        INVALID_TOKEN,
        401,
        "the claim token is not valid for this hub; check that the whole token was copied, or ask an operator for a new one");
  }

  public static EnrollmentException tokenExpired() {
    return new EnrollmentException(
        TOKEN_EXPIRED, 401, "the claim token has expired; ask an operator to mint a new one");
  }

  public static EnrollmentException tokenUsed() {
    return new EnrollmentException(
        TOKEN_USED,
        409,
        "the claim token was already used to enroll a device; each token enrolls one device, ask an operator for a new one");
  }

  public static EnrollmentException rateLimited() {
    return new EnrollmentException(
        RATE_LIMITED, 429, "too many enrollment attempts; wait a minute before trying again");
  }

  public static EnrollmentException deviceRevoked(String deviceId) {
    return new EnrollmentException(
        DEVICE_REVOKED,
        403,
        "device " + deviceId + " has been revoked; it cannot renew, an operator must enroll it again with a new claim token");
  }

  public static EnrollmentException unknownDevice(String deviceId) {
    return new EnrollmentException(
        UNKNOWN_DEVICE,
        403,
        "device " + deviceId + " is not known to this hub; enroll it with a claim token");
  }

  public static EnrollmentException deviceExists(String deviceId) {
    return new EnrollmentException(
        DEVICE_EXISTS,
        409,
        "this key is already enrolled as device " + deviceId
            + "; renew with that device's certificate, or generate a new key to enroll a new device");
  }

  public static EnrollmentException keyMismatch(String message) {
    return new EnrollmentException(KEY_MISMATCH, 400, message);
  }

  public static EnrollmentException versionUnsupported(int v, int supported) {
    return new EnrollmentException(
        VERSION_UNSUPPORTED,
        400,
        "request version " + v + " is not supported; this hub speaks version " + supported + ", update the device software");
  }

  public static EnrollmentException certificateInvalid(String what) {
    return new EnrollmentException(
        CERTIFICATE_INVALID,
        401,
        what + "; if the device certificate has expired, enroll the device again with a new claim token");
  }
}
