package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.provisioning.Identity.Role;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TopicAclTest {

  private final TopicAcl acl = new TopicAcl();
  private final Identity device = new Identity("dev-a1", Role.DEVICE);
  private final Identity hub = new Identity("hub-1", Role.SERVICE);

  @ParameterizedTest
  @ValueSource(strings = {"fedge/v1/dev/dev-a1/up/heartbeat", "fedge/v1/dev/dev-a1/up/event", "fedge/v1/dev/dev-a1/up/status"})
  void devicePublishesToItsOwnUpTopic(String topic) {
    assertThat(acl.canPublish(device, topic)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fedge/v1/dev/dev-b2/up/heartbeat", // another device
        "fedge/v1/dev/dev-a1/down/heartbeat", // own down: hub only
        "fedge/v1/all/heartbeat", // broadcast: hub only
        "fedge/v1/dev/dev-a1/up", // too short
        "fedge/v1/dev/dev-a1/up/heartbeat/x", // too deep
        "fedge/v1/dev/dev-a1/up/+", // wildcard
        "fedge/v1/dev/dev-a1/up/#",
        "fedge/v1/dev/+/up/heartbeat",
        "fedge/v1/dev/dev-a1/up/Heartbeat", // invalid kind
        "fedge/v2/dev/dev-a1/up/heartbeat", // other version
        "Fedge/v1/dev/dev-a1/up/heartbeat",
        "fedge/v1/dev/dev-a1/up/heartbeat/",
        "/fedge/v1/dev/dev-a1/up/heartbeat",
        "fedge//v1/dev/dev-a1/up/heartbeat",
        "fedge/v1/dev/dev-a1/../dev-a1/up/heartbeat",
        "fedge/v1/dev/dev-a1/up/heart\0beat",
        "$SYS/broker/uptime",
        "#",
        ""
      })
  void deviceCannotPublishAnywhereElse(String topic) {
    assertThat(acl.canPublish(device, topic)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fedge/v1/dev/dev-a1/down/#",
        "fedge/v1/dev/dev-a1/down/error",
        "fedge/v1/all/#",
        "fedge/v1/all/model"
      })
  void deviceSubscribesToItsOwnDownAndBroadcasts(String filter) {
    assertThat(acl.canSubscribe(device, filter)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "#",
        "+",
        "+/#",
        "fedge/#",
        "fedge/v1/#",
        "fedge/v1/dev/#",
        "fedge/v1/dev/+/down/#",
        "fedge/v1/dev/+/up/#",
        "fedge/v1/dev/dev-a1/#",
        "fedge/v1/dev/dev-a1/+/#",
        "fedge/v1/dev/dev-a1/up/#", // own up: hub only
        "fedge/v1/dev/dev-b2/down/#", // another device
        "fedge/v1/dev/dev-b2/down/error",
        "fedge/v1/dev/dev-a1/down/#/x",
        "fedge/v1/dev/dev-a1/down",
        "fedge/v1/all",
        "fedge/v1/all/+/x",
        "fedge/v1/all/model/extra",
        "$share/g1/fedge/v1/dev/dev-a1/down/#",
        "$share/hub/fedge/v1/dev/+/up/#",
        "$SYS/#",
        "fedge/v1/dev/dev-a1/down/../../dev-b2/down/#",
        "fedge/v1/dev/dev-a1//down/#",
        "fedge/v1/all/#\0"
      })
  void deviceCannotSubscribeAnywhereElse(String filter) {
    assertThat(acl.canSubscribe(device, filter)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$share/hub/fedge/v1/dev/+/up/#",
        "fedge/v1/dev/+/up/#",
        "$share/hub/fedge/v1/dev/+/up/heartbeat",
        "$share/hub/fedge/v1/dev/+/up/+",
        "$share/hub-2/fedge/v1/dev/dev-a1/up/#",
        "fedge/v1/dev/dev-a1/up/event"
      })
  void serviceSubscribesToDeviceUpTopics(String filter) {
    assertThat(acl.canSubscribe(hub, filter)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "#",
        "$SYS/#",
        "fedge/#",
        "fedge/v1/dev/#",
        "fedge/v1/dev/+/down/#",
        "fedge/v1/dev/+/+/#",
        "fedge/v1/all/#",
        "$share/hub/#",
        "$share/hub/fedge/v1/dev/+/down/#",
        "$share//fedge/v1/dev/+/up/#",
        "$share/+/fedge/v1/dev/+/up/#",
        "$share/HUB/fedge/v1/dev/+/up/#",
        "$share/hub",
        "$share/hub/$share/hub/fedge/v1/dev/+/up/#",
        "fedge/v1/dev/+/up",
        "fedge/v1/dev/#/up/#",
        "fedge/v1/dev/+/up/#/x"
      })
  void serviceCannotSubscribeAnywhereElse(String filter) {
    assertThat(acl.canSubscribe(hub, filter)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedge/v1/dev/dev-a1/down/error", "fedge/v1/dev/zzz/down/model", "fedge/v1/all/model"})
  void servicePublishesDownAndBroadcast(String topic) {
    assertThat(acl.canPublish(hub, topic)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fedge/v1/dev/dev-a1/up/heartbeat", // impersonating a device
        "fedge/v1/dev/+/down/error",
        "fedge/v1/dev/dev-a1/down/#",
        "fedge/v1/all/+",
        "fedge/v1/all",
        "fedge/v1/dev/AB/down/error",
        "fedge/v1/dev/dev-a1/down/error/x",
        "$share/hub/fedge/v1/all/model",
        "$SYS/x",
        "other/topic"
      })
  void serviceCannotPublishAnywhereElse(String topic) {
    assertThat(acl.canPublish(hub, topic)).isFalse();
  }

  @Test
  void topicsLongerThanTheLimitAreRefused() {
    String longKind = "k".repeat(32);
    String ok = "fedge/v1/dev/" + "d".repeat(64) + "/up/" + longKind;
    Identity longDevice = new Identity("d".repeat(64), Role.DEVICE);
    assertThat(ok.length()).isLessThanOrEqualTo(TopicAcl.MAX_TOPIC_LENGTH);
    assertThat(acl.canPublish(longDevice, ok)).isTrue();
    String tooLong = "$share/" + "g".repeat(64) + "/" + "fedge/v1/dev/" + "d".repeat(64) + "/up/" + "k".repeat(32) + "/" + "x".repeat(80);
    assertThat(tooLong.length()).isGreaterThan(TopicAcl.MAX_TOPIC_LENGTH);
    assertThat(acl.canSubscribe(hub, tooLong)).isFalse();
    assertThat(acl.canPublish(device, "fedge/v1/dev/dev-a1/up/" + "x".repeat(300))).isFalse();
  }

  @Test
  void nullsAreRefused() {
    assertThat(acl.canPublish(null, "fedge/v1/dev/dev-a1/up/event")).isFalse();
    assertThat(acl.canPublish(device, null)).isFalse();
    assertThat(acl.canSubscribe(null, "fedge/v1/all/#")).isFalse();
    assertThat(acl.canSubscribe(device, null)).isFalse();
  }
}
