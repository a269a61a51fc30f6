package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a CONNECT by its TLS client certificate. The certificate chain has already been
 * verified against the client trust root during the handshake (client authentication REQUIRED);
 * here the subject becomes a {@link Identity}, the MQTT client id must equal that identity's
 * id, and the hub's {@link DeviceAccess} has the last word. The identity is stored in the
 * connection's attribute store for the authorizers.
 */
final class CertificateAuthenticator implements SimpleAuthenticator {

  /** Connection attribute holding {@link Identity#label()} once authenticated. */
  static final String IDENTITY_ATTRIBUTE = "io.fedge.broker.identity";

  static final Duration ACCESS_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(CertificateAuthenticator.class);

  private final DeviceAccess access;
  private final Executor accessExecutor;

  CertificateAuthenticator(DeviceAccess access, Executor accessExecutor) {
    this.access = access;
    this.accessExecutor = accessExecutor;
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    String clientId = input.getClientInformation().getClientId();
    Optional<X509Certificate> certificate =
        input
            .getConnectionInformation()
            .getClientTlsInformation()
            .flatMap(ClientTlsInformation::getClientCertificate);
    if (certificate.isEmpty()) {
      refuse(output, clientId, "client certificate required");
      return;
    }
    Optional<Identity> parsed = Identity.fromCertificate(certificate.get());
    if (parsed.isEmpty()) {
      refuse(output, clientId, "certificate subject is not a Fedge device or service");
      return;
    }
    Identity identity = parsed.get();
    if (!identity.id().equals(clientId)) {
      refuse(output, clientId, "client id must equal the certificate's id");
      return;
    }

    // DeviceAccess may query a database: never do that on a broker thread.
    Async<SimpleAuthOutput> async =
        output.async(
            ACCESS_CHECK_TIMEOUT,
            TimeoutFallback.FAILURE,
            ConnackReasonCode.NOT_AUTHORIZED,
            "access check timed out");
    X509Certificate cert = certificate.get();
    ConnectionAttributeStore attributes =
        input.getConnectionInformation().getConnectionAttributeStore();
    try {
      accessExecutor.execute(() -> decide(identity, cert, attributes, async));
    } catch (RuntimeException e) {
      log.warn("event=connect-refused clientId={} reason=access-check-unavailable", clientId, e);
      output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "access check unavailable");
      async.resume();
    }
  }

  private void decide(
      Identity identity,
      X509Certificate cert,
      ConnectionAttributeStore attributes,
      Async<SimpleAuthOutput> async) {
    SimpleAuthOutput output = async.getOutput();
    try {
      boolean allowed;
      try {
        allowed = access.mayConnect(identity, cert);
      } catch (RuntimeException e) {
        log.warn("event=access-check-failed identity={}", identity, e);
        allowed = false;
      }
      if (allowed) {
        // Stored before success, so the Will and every later packet are authorized against it.
        attributes.putAsString(IDENTITY_ATTRIBUTE, identity.label());
        output.authenticateSuccessfully();
        log.info(
            "event=connect-accepted identity={} certSerial={}",
            identity,
            cert.getSerialNumber().toString(16));
      } else {
        refuse(output, identity.id(), "not allowed to connect (unknown or revoked)");
      }
    } finally {
      async.resume();
    }
  }

  private static void refuse(SimpleAuthOutput output, String clientId, String reason) {
    log.info("event=connect-refused clientId={} reason=\"{}\"", LogSafe.text(clientId), reason);
    output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, reason);
  }
}
