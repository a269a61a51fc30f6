package io.fedge.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.provisioning.EnrollmentResult;
import io.fedge.provisioning.EnrollmentService;
import io.fedge.provisioning.api.EnrollRequest;
import io.fedge.provisioning.api.EnrollResponse;
import io.fedge.provisioning.api.EnrollmentJson;
import io.fedge.provisioning.api.EnrollmentPaths;
import io.fedge.provisioning.api.MqttEndpoint;
import io.fedge.provisioning.api.RenewRequest;
import io.fedge.federation.wire.WireCodec;
import java.security.cert.X509Certificate;

/** Decodes enrollment requests, calls the enrollment service, encodes its answer. Nothing else. */
final class EnrollmentRoutes {
  static final String DEVICE_PATH = EnrollmentPaths.ENROLL;
  static final String RENEW_PATH = EnrollmentPaths.RENEW;

  private final EnrollmentService service;
  private final MqttEndpoint mqtt;

  EnrollmentRoutes(EnrollmentService service, HttpApi.HubInfo info) {
    this.service = service;
    this.mqtt = new MqttEndpoint(info.mqttHost(), info.mqttPort());
  }

  EnrollResponse enroll(JsonNode body, String source) {
    EnrollRequest req = EnrollmentJson.parseEnrollRequest(bytes(body));
    EnrollmentResult r = service.enroll(req.token(), req.csr(), source);
    return EnrollResponse.of(r, mqtt);
  }

  EnrollResponse renew(X509Certificate clientCert, JsonNode body, String source) {
    RenewRequest req = EnrollmentJson.parseRenewRequest(bytes(body));
    EnrollmentResult r = service.renew(clientCert, req.csr(), source);
    return EnrollResponse.of(r, mqtt);
  }

  private static byte[] bytes(JsonNode body) {
    try {
      return WireCodec.mapper().writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiError.badRequest("the request body cannot be read");
    }
  }
}
