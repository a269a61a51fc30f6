package io.fedge.provisioning.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.wire.ProtocolVersion;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.EnrollmentException;
import java.io.IOException;

/**
 * JSON for the enrollment API, shared by the hub's HTTP adapter and the device client. Request
 * parsing checks size, JSON shape and version, and turns every problem into an
 * {@link EnrollmentException} ({@code malformed_request} or {@code version_unsupported}).
 */
public final class EnrollmentJson {
  /** Largest request body the hub reads (a CSR is at most 8 KiB). */
  public static final int MAX_REQUEST_BYTES = 16 * 1024;
  /** Largest response body the client reads. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private static final ObjectMapper MAPPER = WireCodec.mapper();

  private EnrollmentJson() {}

  public static EnrollRequest parseEnrollRequest(byte[] body) {
    JsonNode n = requestTree(body);
    EnrollRequest r = convert(n, EnrollRequest.class);
    if (r.token() == null || r.token().isEmpty()) {
      throw EnrollmentException.malformedRequest("field 'token' is missing; send the claim token from the claim bundle");
    }
    if (r.csr() == null || r.csr().isEmpty()) {
      throw EnrollmentException.malformedRequest("field 'csr' is missing; send a PEM certificate request");
    }
    return r;
  }

  public static RenewRequest parseRenewRequest(byte[] body) {
    JsonNode n = requestTree(body);
    RenewRequest r = convert(n, RenewRequest.class);
    if (r.csr() == null || r.csr().isEmpty()) {
      throw EnrollmentException.malformedRequest("field 'csr' is missing; send a PEM certificate request");
    }
    return r;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Client side: decodes a response body into {@code type}. */
  public static <T> T read(byte[] body, Class<T> type) throws IOException {
    if (body.length > MAX_RESPONSE_BYTES) {
      throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    return MAPPER.readValue(body, type);
  }

  private static JsonNode requestTree(byte[] body) {
    if (body == null || body.length == 0) {
      throw EnrollmentException.malformedRequest("the request body is empty; send a JSON object");
    }
    if (body.length > MAX_REQUEST_BYTES) {
      throw EnrollmentException.malformedRequest("the request body is larger than " + MAX_REQUEST_BYTES + " bytes");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException e) {
      throw EnrollmentException.malformedRequest("the request body is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw EnrollmentException.malformedRequest("the request body must be a JSON object");
    }
    JsonNode v = n.get("v");
    if (v == null || !v.isInt()) {
      throw EnrollmentException.malformedRequest("field 'v' (protocol version) is missing");
    }
    if (v.intValue() != ProtocolVersion.CURRENT) {
      throw EnrollmentException.versionUnsupported(v.intValue(), ProtocolVersion.CURRENT);
    }
    return n;
  }

  private static <T> T convert(JsonNode n, Class<T> type) {
    try {
      return MAPPER.treeToValue(n, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw EnrollmentException.malformedRequest("the request does not match the " + type.getSimpleName() + " schema");
    }
  }
}
