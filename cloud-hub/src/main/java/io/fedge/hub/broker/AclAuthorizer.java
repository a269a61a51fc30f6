package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link TopicAcl} on every PUBLISH (including the Will) and every subscription. The
 * identity comes from the connection attribute set by {@link CertificateAuthenticator}; a
 * connection without one is refused everything. Refused QoS 1 publishes get a PUBACK with
 * NOT_AUTHORIZED (QoS 0 ones are dropped), refused subscriptions a SUBACK reason code
 * NOT_AUTHORIZED. Stateless and thread-safe: one instance serves all clients.
 */
final class AclAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer {

  private static final Logger log = LoggerFactory.getLogger(AclAuthorizer.class);

  private final TopicAcl acl;

  AclAuthorizer(TopicAcl acl) {
    this.acl = acl;
  }

  @Override
  public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
    String topic = input.getPublishPacket().getTopic();
    Optional<Identity> who = identity(input);
    if (who.isPresent() && acl.canPublish(who.get(), topic)) {
      output.authorizeSuccessfully();
    } else {
      log.info(
          "event=publish-refused clientId={} identity={} topic={}",
          LogSafe.text(input.getClientInformation().getClientId()),
          who.map(Identity::label).orElse("none"),
          LogSafe.text(topic));
      output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not allowed to publish to this topic");
    }
  }

  @Override
  public void authorizeSubscribe(
      SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
    String filter = input.getSubscription().getTopicFilter();
    Optional<Identity> who = identity(input);
    if (who.isPresent() && acl.canSubscribe(who.get(), filter)) {
      output.authorizeSuccessfully();
    } else {
      log.info(
          "event=subscribe-refused clientId={} identity={} filter={}",
          LogSafe.text(input.getClientInformation().getClientId()),
          who.map(Identity::label).orElse("none"),
          LogSafe.text(filter));
      output.failAuthorization(
          SubackReasonCode.NOT_AUTHORIZED, "not allowed to subscribe to this topic filter");
    }
  }

  private static Optional<Identity> identity(ClientBasedInput input) {
    return input
        .getConnectionInformation()
        .getConnectionAttributeStore()
        .getAsString(CertificateAuthenticator.IDENTITY_ATTRIBUTE)
        .flatMap(Identity::parseLabel);
  }
}
