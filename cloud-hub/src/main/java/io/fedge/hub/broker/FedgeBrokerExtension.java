package io.fedge.hub.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process HiveMQ extension: certificate authentication, topic authorization and connection
 * events. Registered with {@link com.hivemq.embedded.EmbeddedHiveMQ} rather than loaded from a
 * folder, so it shares the hub's class loader.
 */
final class FedgeBrokerExtension implements ExtensionMain {

  private static final Logger log = LoggerFactory.getLogger(FedgeBrokerExtension.class);

  private final DeviceAccess access;
  private final ConnectionTracker tracker;
  private final TopicAcl acl = new TopicAcl();
  private volatile ClientService clientService;
  private volatile boolean started;

  FedgeBrokerExtension(DeviceAccess access, ConnectionTracker tracker) {
    this.access = access;
    this.tracker = tracker;
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    try {
      CertificateAuthenticator authenticator =
          new CertificateAuthenticator(access, Services.extensionExecutorService());
      AclAuthorizer authorizer = new AclAuthorizer(acl);
      Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
      Services.securityRegistry().setAuthorizerProvider(providerInput -> authorizer);
      Services.eventRegistry()
          .setClientLifecycleEventListener(providerInput -> tracker.newConnectionListener());
      clientService = Services.clientService();
      started = true;
    } catch (RuntimeException e) {
      log.error("event=broker-extension-start-failed", e);
      output.preventExtensionStartup("Fedge broker extension failed to start: " + e);
    }
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    started = false;
    clientService = null;
  }

  /** True once authentication and authorization are in place. */
  boolean started() {
    return started;
  }

  /** HiveMQ's client service, or null when the extension is not running. */
  ClientService clientService() {
    return clientService;
  }
}
