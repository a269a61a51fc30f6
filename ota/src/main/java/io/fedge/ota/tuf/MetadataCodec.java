package io.fedge.ota.tuf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fedge.federation.ledger.CanonicalJson;
import io.fedge.ota.tuf.Roles.Role;
import io.fedge.ota.tuf.Roles.Sig;
import io.fedge.ota.tuf.Roles.Signed;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Metadata files on the wire: the canonical JSON of {@code {"signatures":[...],"signed":{...}}}.
 * Parsing is strict (unknown, missing or duplicate members are refused) and never checks
 * signatures: that is {@link Verifier}'s job, with the trusted root in hand.
 */
public final class MetadataCodec {
  /** Largest metadata file accepted when nothing names its length (root, timestamp). */
  public static final long MAX_ROOT_BYTES = 512 * 1024;
  public static final long MAX_TIMESTAMP_BYTES = 16 * 1024;

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private MetadataCodec() {}

  /** The bytes of a metadata file. */
  public static byte[] encode(Signed<?> metadata) {
    return CanonicalJson.encode(metadata);
  }

  /** The bytes the signatures cover. */
  public static byte[] signedBytes(Role role) {
    return CanonicalJson.encode(role);
  }

  /** Signs {@code role} with each key (the caller picks keys that the root lists for the role). */
  public static <T extends Role> Signed<T> sign(T role, List<SigningKey> keys) {
    byte[] msg = signedBytes(role);
    List<Sig> sigs = new ArrayList<>();
    for (SigningKey k : keys) {
      sigs.add(new Sig(k.keyId(), HexFormat.of().formatHex(Ed25519.sign(k.privateKey(), msg))));
    }
    return new Signed<>(role, List.copyOf(sigs));
  }

  /** Parses a metadata file of the given role type; {@code expectedType} is one of {@link Roles#ALL}. */
  public static <T extends Role> Signed<T> decode(byte[] bytes, Class<T> type, String expectedType)
      throws TufException {
    try {
      JsonNode tree = STRICT.readTree(bytes);
      if (tree == null || !tree.isObject() || tree.size() != 2 || !tree.has("signed") || !tree.has("signatures")) {
        throw new TufException(TufException.Reason.MALFORMED, "a metadata file is an object with exactly 'signed' and 'signatures'");
      }
      T signed = STRICT.treeToValue(tree.get("signed"), type);
      List<Sig> sigs = new ArrayList<>();
      for (JsonNode s : tree.get("signatures")) {
        sigs.add(STRICT.treeToValue(s, Sig.class));
      }
      if (!tree.get("signatures").isArray()) {
        throw new TufException(TufException.Reason.MALFORMED, "'signatures' must be an array");
      }
      if (!expectedType.equals(signed.type())) {
        throw new TufException(TufException.Reason.MALFORMED, "expected " + expectedType + " metadata, got " + signed.type());
      }
      if (!Roles.SPEC_VERSION.equals(signed.specVersion())) {
        throw new TufException(TufException.Reason.MALFORMED, "unsupported spec version " + signed.specVersion() + "; expected " + Roles.SPEC_VERSION);
      }
      if (signed.version() < 1) {
        throw new TufException(TufException.Reason.MALFORMED, "versions start at 1");
      }
      expires(signed);
      return new Signed<>(signed, List.copyOf(sigs));
    } catch (JsonProcessingException e) {
      throw new TufException(TufException.Reason.MALFORMED, expectedType + " metadata is not valid: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new TufException(TufException.Reason.MALFORMED, expectedType + " metadata is not valid: " + e.getMessage());
    } catch (java.io.IOException e) {
      throw new TufException(TufException.Reason.MALFORMED, expectedType + " metadata is not JSON");
    }
  }

  public static Instant expires(Role role) throws TufException {
    try {
      return Instant.parse(role.expires());
    } catch (DateTimeParseException e) {
      throw new TufException(TufException.Reason.MALFORMED, "expires must be an ISO-8601 UTC instant, got " + role.expires());
    }
  }
}
