package io.fedge.federation.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void upTopicParsesBackToDeviceAndKind() {
    String t = Topics.up("d-abc123", Kinds.HEARTBEAT);
    assertThat(t).isEqualTo("fedge/v1/dev/d-abc123/up/heartbeat");
    assertThat(Topics.parseUp(t)).contains(new Topics.Up("d-abc123", "heartbeat"));
  }

  @Test
  void downAndBroadcastTopicsAreNotUpTopics() {
    assertThat(Topics.parseUp(Topics.down("d-abc123", "error"))).isEmpty();
    assertThat(Topics.parseUp(Topics.broadcast("event"))).isEmpty();
    assertThat(Topics.parseUp("fedge/v1/dev/d-abc123/up/heartbeat/extra")).isEmpty();
    assertThat(Topics.parseUp("fedge/v1/dev/+/up/heartbeat")).isEmpty();
  }

  @Test
  void wildcardsCannotBeSmuggledInThroughIds() {
    assertThatThrownBy(() -> Topics.up("#", "event")).isInstanceOf(WireException.class);
    assertThatThrownBy(() -> Topics.up("d-abc", "+")).isInstanceOf(WireException.class);
    assertThatThrownBy(() -> Topics.downFilter("a/b")).isInstanceOf(WireException.class);
  }

  @Property
  void parseUpNeverThrows(@ForAll String topic) {
    Topics.parseUp(topic);
  }
}
