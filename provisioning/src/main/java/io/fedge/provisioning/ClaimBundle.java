package io.fedge.provisioning;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an operator hands a new appliance: where the hub is, the fingerprint of the hub's root CA
 * (so the first connection cannot be intercepted), and a one-time claim token. Stored as JSON
 * with mode 0600 because the token is a secret; delete it after enrollment.
 *
 * @param hubUrl {@code https://host[:port]}, no path, query or user info
 * @param caFingerprint lower-case hex SHA-256 of the hub's root certificate DER (64 chars)
 * @param token {@code fct_<id>.<secret>}
 * @param label optional human note (e.g. the site), at most 100 characters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimBundle(String hubUrl, String caFingerprint, String token, String label) {
  static final int MAX_FILE_BYTES = 16 * 1024;

  public ClaimBundle {
    hubUrl = validateHubUrl(hubUrl);
    if (caFingerprint == null) {
      throw new IllegalArgumentException("caFingerprint is missing");
    }
    caFingerprint = caFingerprint.toLowerCase(Locale.ROOT);
    if (!Hashes.isSha256Hex(caFingerprint)) {
      throw new IllegalArgumentException("caFingerprint must be 64 hex characters (SHA-256 of the hub's root certificate)");
    }
    if (!ClaimTokens.isWellFormed(token)) {
      throw new IllegalArgumentException("token is not a claim token of the form fct_<id>.<secret>");
    }
    if (label != null && (label.length() > 100 || label.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException("label must be at most 100 printable characters");
    }
  }

  /** {@code https://host[:port]} without trailing slash; anything else is refused. */
  static String validateHubUrl(String url) {
    if (url == null) {
      throw new IllegalArgumentException("hubUrl is missing");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("hubUrl is not a valid URL");
    }
    if (!"https".equalsIgnoreCase(u.getScheme())) {
      throw new IllegalArgumentException("hubUrl must use https");
    }
    if (u.getHost() == null || u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null
        || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
      throw new IllegalArgumentException("hubUrl must be https://host[:port] with no path, query or user info");
    }
    return "https://" + u.getRawAuthority();
  }

  public static ClaimBundle read(Path file) throws IOException {
    String json = Pem.readSmall(file, MAX_FILE_BYTES);
    try {
      return WireCodec.mapper().readValue(json, ClaimBundle.class);
    } catch (JsonProcessingException e) {
      Throwable c = e.getCause();
      if (c instanceof IllegalArgumentException) {
        throw new IOException("claim bundle " + file + " is invalid: " + c.getMessage());
      }
      throw new IOException("claim bundle " + file + " is not valid JSON");
    }
  }

  /** Writes the bundle atomically with mode 0600. */
  public void write(Path file) throws IOException {
    Pem.writeSecret(file, WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this));
  }

  @Override
  public String toString() {
    return "ClaimBundle[hubUrl=" + hubUrl + ", caFingerprint=" + caFingerprint + ", token=<redacted>, label=" + label + "]";
  }
}
