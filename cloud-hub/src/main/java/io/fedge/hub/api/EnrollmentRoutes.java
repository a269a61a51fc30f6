package io.fedge.hub.api;

import io.fedge.provisioning.EnrollmentResult;
import io.fedge.provisioning.EnrollmentService;
import io.fedge.provisioning.api.EnrollRequest;
import io.fedge.provisioning.api.EnrollResponse;
import io.fedge.provisioning.api.EnrollmentJson;
import io.fedge.provisioning.api.EnrollmentPaths;
import io.fedge.provisioning.api.MqttEndpoint;
import io.fedge.provisioning.api.RenewRequest;
import java.security.cert.X509Certificate;

/**
 * Decodes enrollment requests (size, JSON shape and version checked by {@link EnrollmentJson}),
 * calls the enrollment service, encodes its answer. Nothing else.
 */
final class EnrollmentRoutes {
  static final String DEVICE_PATH = EnrollmentPaths.ENROLL;
  static final String RENEW_PATH = EnrollmentPaths.RENEW;

  private final EnrollmentService service;
  private final MqttEndpoint mqtt;

  EnrollmentRoutes(EnrollmentService service, HttpApi.HubInfo info) {
    this.service = service;
    this.mqtt = new MqttEndpoint(info.mqttHost(), info.mqttPort());
  }

  EnrollResponse enroll(byte[] body, String source) {
    EnrollRequest req = EnrollmentJson.parseEnrollRequest(body);
    EnrollmentResult r = service.enroll(req.token(), req.csr(), source);
    return EnrollResponse.of(r, mqtt);
  }

  EnrollResponse renew(X509Certificate clientCert, byte[] body, String source) {
    RenewRequest req = EnrollmentJson.parseRenewRequest(body);
    EnrollmentResult r = service.renew(clientCert, req.csr(), source);
    return EnrollResponse.of(r, mqtt);
  }
}
