package io.fedge.agent.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PairingCodePropertiesTest {

  @Property
  void generatedCodesUseOnlyTheAlphabetAndSurviveDisplayAndRetyping(@ForAll long seed) {
    String c = PairingCode.generate(new SecureRandomFromSeed(seed));
    assertThat(c).hasSize(PairingCode.LENGTH);
    assertThat(c.chars()).allMatch(ch -> PairingCode.ALPHABET.indexOf(ch) >= 0);
    String shown = PairingCode.display(c);
    assertThat(PairingCode.normalize(shown)).contains(c);
    assertThat(PairingCode.normalize(" " + shown.toLowerCase() + " ")).contains(c);
  }

  @Property
  void aLookAlikeOrAWrongLengthIsNeverACode(@ForAll("typos") String typed) {
    assertThat(PairingCode.normalize(typed)).isEmpty();
  }

  @Provide
  Arbitrary<String> typos() {
    Arbitrary<String> withLookAlike =
        Arbitraries.strings().withChars(PairingCode.ALPHABET).ofLength(7)
            .flatMap(s -> Arbitraries.of('0', 'O', '1', 'I', 'L').flatMap(ch -> Arbitraries.integers().between(0, 7)
                .map(i -> s.substring(0, i) + ch + s.substring(i))));
    Arbitrary<String> wrongLength =
        Arbitraries.strings().withChars(PairingCode.ALPHABET).ofMinLength(0).ofMaxLength(20).filter(s -> s.length() != 8);
    return Arbitraries.oneOf(withLookAlike, wrongLength);
  }

  @Property(tries = 5)
  void thereAreNoLookAlikesInTheAlphabet() {
    assertThat(PairingCode.ALPHABET).doesNotContain("0", "O", "1", "I", "L");
    assertThat(PairingCode.ALPHABET.chars().distinct().count()).isEqualTo(PairingCode.ALPHABET.length());
  }

  /** A deterministic SecureRandom so a failing seed can be replayed. */
  private static final class SecureRandomFromSeed extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Random r;

    SecureRandomFromSeed(long seed) {
      this.r = new Random(seed);
    }

    @Override
    public int nextInt(int bound) {
      return r.nextInt(bound);
    }
  }
}
