package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.wire.Topics;
import io.fedge.provisioning.Identity.Role;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class TopicAclPropertiesTest {

  private final TopicAcl acl = new TopicAcl();

  @Property(tries = 2000)
  void deviceNeverPublishesOrSubscribesIntoAnotherDevicesSubtree(
      @ForAll("deviceIds") String a, @ForAll("deviceIds") String b, @ForAll("kinds") String kind) {
    Assume.that(!a.equals(b));
    Identity deviceA = new Identity(a, Role.DEVICE);

    // What A is meant to do works, so the negative checks below are not vacuous.
    assertThat(acl.canPublish(deviceA, Topics.up(a, kind))).isTrue();
    assertThat(acl.canSubscribe(deviceA, Topics.downFilter(a))).isTrue();

    for (String topic : List.of(Topics.up(b, kind), Topics.down(b, kind))) {
      assertThat(acl.canPublish(deviceA, topic)).as(topic).isFalse();
      assertThat(acl.canSubscribe(deviceA, topic)).as(topic).isFalse();
    }
    String bRoot = Topics.DEVICE_ROOT + b;
    for (String filter :
        List.of(
            bRoot + "/#",
            bRoot + "/+/#",
            bRoot + "/up/#",
            bRoot + "/down/#",
            bRoot + "/+/" + kind,
            Topics.DEVICE_ROOT + "+/down/" + kind,
            Topics.DEVICE_ROOT + "+/up/" + kind,
            "$share/" + a + "/" + bRoot + "/down/#")) {
      assertThat(acl.canSubscribe(deviceA, filter)).as(filter).isFalse();
    }
  }

  /**
   * Random filters stitched from the levels that matter: whatever device A is allowed to
   * subscribe to never matches a topic in device B's subtree, and whatever A may publish to is in
   * its own up subtree.
   */
  @Property(tries = 5000)
  void anythingADeviceMayUseStaysInsideItsOwnSubtree(
      @ForAll("deviceIds") String a,
      @ForAll("deviceIds") String b,
      @ForAll("kinds") String kind,
      @ForAll("levelIndexes") List<Integer> picks,
      @ForAll("prefixes") String prefix) {
    Assume.that(!a.equals(b));
    List<String> alphabet =
        List.of("fedge", "v1", "dev", "all", "up", "down", a, b, kind, "+", "#", "$share", "hub", "", "..");
    StringBuilder topic = new StringBuilder(prefix);
    for (int i = 0; i < picks.size(); i++) {
      if (i > 0) {
        topic.append('/');
      }
      topic.append(alphabet.get(picks.get(i) % alphabet.size()));
    }
    String t = topic.toString();
    Identity deviceA = new Identity(a, Role.DEVICE);

    Statistics.collect(
        acl.canSubscribe(deviceA, t) ? "may subscribe" : acl.canPublish(deviceA, t) ? "may publish" : "refused");
    if (acl.canSubscribe(deviceA, t)) {
      assertThat(matches(t, Topics.up(b, kind))).as(t).isFalse();
      assertThat(matches(t, Topics.down(b, kind))).as(t).isFalse();
      assertThat(matches(t, Topics.up(a, kind))).as(t).isFalse();
    }
    if (acl.canPublish(deviceA, t)) {
      assertThat(Topics.parseUp(t).map(Topics.Up::deviceId)).as(t).contains(a);
    }
  }

  @Provide
  Arbitrary<String> deviceIds() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
    Arbitrary<String> rest =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMinLength(2).ofMaxLength(63);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<String> kinds() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z');
    Arbitrary<String> rest =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(31);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<List<Integer>> levelIndexes() {
    return Arbitraries.integers().between(0, 1000).list().ofMinSize(1).ofMaxSize(6);
  }

  /** Biases the random filters towards the Fedge tree so that some of them are allowed. */
  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "fedge/v1/", "fedge/v1/dev/", "$share/hub/fedge/v1/dev/", "fedge/v1/all/");
  }

  /** MQTT topic filter matching, for plain (non-shared, non-$) topic names. */
  static boolean matches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return i == f.length - 1;
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
