package io.fedge.federation.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.psi.PsiMessages.BatchAck;
import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Hello;
import io.fedge.federation.psi.PsiMessages.Reveal;
import io.fedge.federation.psi.PsiMessages.Role;
import io.fedge.federation.psi.PsiMessages.Stage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class PsiCodecPropertiesTest {
  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("-._:").ofMinLength(1).ofMaxLength(40);
  }

  @Property(tries = 200)
  void everyMessageSurvivesEncodeAndDecode(@ForAll("names") String session, @ForAll("names") String from,
      @ForAll("names") String to, @ForAll @IntRange(min = 0, max = 40) int points,
      @ForAll @IntRange(min = 0, max = 1_000_000) int index, @ForAll long size,
      @ForAll @StringLength(max = 100) String reason) {
    byte[] pts = new byte[points * 32];
    new java.util.Random(index).nextBytes(pts);
    int[] positions = new int[points];
    for (int i = 0; i < points; i++) {
      positions[i] = index + i;
    }
    PsiMessage[] all = {
      new Hello(1, session, from, to, Role.HOST, PsiMode.BOTH_LEARN, PsiParty.SUITE, "email", session, size, 4096),
      new BlindedBatch(1, session, from, to, Stage.DOUBLE, index, pts),
      new BatchAck(1, session, from, to, index),
      new Reveal(1, session, from, to, positions, pts),
      new PsiMessages.Done(1, session, from, to),
      new PsiMessages.Abort(1, session, from, to, "MALFORMED_POINT", reason),
      new PsiMessages.FilterPublication(1, session, from, "*", PsiParty.SUITE, "plain", size, 32, 7, pts),
    };
    for (PsiMessage m : all) {
      assertThat(PsiCodec.decode(PsiCodec.encode(m))).isEqualTo(m);
    }
  }

  @Property(tries = 200)
  void truncatedMessagesAreRejectedNotMisread(@ForAll @IntRange(min = 0, max = 20) int points,
      @ForAll @IntRange(min = 1, max = 50) int cut) {
    byte[] wire = PsiCodec.encode(new BlindedBatch(1, "job", "a", "b", Stage.SINGLE, 3, new byte[points * 32]));
    byte[] truncated = java.util.Arrays.copyOf(wire, Math.max(0, wire.length - cut));
    assertThatThrownBy(() -> PsiCodec.decode(truncated)).isInstanceOf(PsiException.class);
  }

  @Property(tries = 20)
  void anUnknownVersionIsNamedInTheError(@ForAll @IntRange(min = 2, max = 255) int version) {
    byte[] wire = PsiCodec.encode(new BatchAck(1, "job", "a", "b", 0));
    wire[4] = (byte) version;
    assertThatThrownBy(() -> PsiCodec.decode(wire))
        .isInstanceOf(PsiException.class)
        .hasMessageContaining("version " + version);
  }
}
