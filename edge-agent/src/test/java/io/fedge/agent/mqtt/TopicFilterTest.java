package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicFilterTest {
  @Test
  void wildcardsMatchAsTheSpecificationSays() {
    assertThat(TopicFilter.matches("a/b", "a/b")).isTrue();
    assertThat(TopicFilter.matches("a/b", "a/c")).isFalse();
    assertThat(TopicFilter.matches("a/+", "a/b")).isTrue();
    assertThat(TopicFilter.matches("a/+", "a/b/c")).isFalse();
    assertThat(TopicFilter.matches("a/+/c", "a//c")).isTrue();
    assertThat(TopicFilter.matches("a/#", "a")).isTrue();
    assertThat(TopicFilter.matches("a/#", "a/b/c")).isTrue();
    assertThat(TopicFilter.matches("a/#", "b/a")).isFalse();
    assertThat(TopicFilter.matches("#", "x/y")).isTrue();
    assertThat(TopicFilter.matches("#", "$SYS/x")).isFalse();
    assertThat(TopicFilter.matches("+/x", "$SYS/x")).isFalse();
    assertThat(TopicFilter.matches("a/b", "a/b/c")).isFalse();
    assertThat(TopicFilter.matches("a/b/c", "a/b")).isFalse();
  }

  @Test
  void sharedSubscriptionsMatchByTheirFilterPart() {
    assertThat(TopicFilter.matches("$share/hub/fedge/v1/dev/+/up/#", "fedge/v1/dev/d1/up/hb"))
        .isTrue();
    assertThat(TopicFilter.matches("$share/hub/fedge/v1/dev/+/up/#", "fedge/v1/all/x")).isFalse();
  }
}
