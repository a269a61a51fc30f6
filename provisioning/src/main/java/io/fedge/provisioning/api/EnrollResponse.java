package io.fedge.provisioning.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fedge.federation.wire.ProtocolVersion;
import io.fedge.provisioning.EnrollmentResult;
import io.fedge.provisioning.Pem;

/**
 * Successful answer to enrollment and renewal.
 *
 * @param certificateChainPem the device certificate followed by the intermediate
 * @param caCertificatePem the root, which the device trusts from now on
 * @param notAfter ISO-8601 instant the certificate expires
 * @param renewAfter ISO-8601 instant from which the device should renew
 * @param mqtt where to connect; may be null if the hub does not announce it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollResponse(
    int v,
    String deviceId,
    String group,
    String certificateChainPem,
    String caCertificatePem,
    String notAfter,
    String renewAfter,
    MqttEndpoint mqtt) {

  public static EnrollResponse of(EnrollmentResult r, MqttEndpoint mqtt) {
    return new EnrollResponse(
        ProtocolVersion.CURRENT,
        r.deviceId(),
        r.group(),
        Pem.certificates(r.chain().subList(0, 2)),
        Pem.certificate(r.root()),
        r.notAfter().toString(),
        r.renewAfter().toString(),
        mqtt);
  }
}
