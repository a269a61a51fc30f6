package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.provisioning.ClaimTokens.MintedToken;
import io.fedge.provisioning.ClaimTokens.ParsedToken;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ClaimTokensTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final ClaimTokens tokens = new ClaimTokens(Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void a_minted_token_has_the_documented_format_and_record() {
    MintedToken m = tokens.mint("plant-7", Duration.ofHours(2), "alice");
    assertThat(m.token()).matches("fct_[a-z2-7]{16}\\.[A-Za-z0-9_-]{43}");
    assertThat(m.record().group()).isEqualTo("plant-7");
    assertThat(m.record().createdAt()).isEqualTo(T0);
    assertThat(m.record().expiresAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(m.record().usedAt()).isNull();
    assertThat(m.record().createdBy()).isEqualTo("alice");
    assertThat(m.record().secretHash()).hasSize(32);
    assertThat(m.toString()).doesNotContain(m.token().substring(21));
  }

  @Test
  void minting_refuses_invalid_groups_and_lifetimes() {
    assertThatThrownBy(() -> tokens.mint("Plant 7", Duration.ofHours(1), "alice")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tokens.mint("plant-7", Duration.ZERO, "alice")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_secret_changed_by_one_character_does_not_match() {
    MintedToken m = tokens.mint("plant-7", Duration.ofHours(2), "alice");
    char last = m.token().charAt(m.token().length() - 1);
    String forged = m.token().substring(0, m.token().length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(ClaimTokens.parse(forged).matches(m.record().secretHash())).isFalse();
  }

  @Test
  void malformed_tokens_are_refused_without_echoing_them() {
    for (String bad : new String[] {null, "", "fct_", "fct_abc.def", "xyz_aaaaaaaaaaaaaaaa." + "a".repeat(43),
        "fct_AAAAAAAAAAAAAAAA." + "a".repeat(43), "fct_aaaaaaaaaaaaaaaa." + "a".repeat(42) + "=",
        "fct_aaaaaaaaaaaaaaaa." + "a".repeat(44)}) {
      assertThatThrownBy(() -> ClaimTokens.parse(bad))
          .isInstanceOfSatisfying(EnrollmentException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_token");
            if (bad != null && bad.length() > 8) {
              assertThat(e.getMessage()).doesNotContain(bad);
            }
          });
    }
  }

  @Property(tries = 200)
  void parsing_a_minted_token_round_trips_and_matches_its_hash(@ForAll @IntRange(min = 1, max = 1_000_000) int minutes) {
    MintedToken m = tokens.mint("group-1", Duration.ofMinutes(minutes), "op");
    ParsedToken p = ClaimTokens.parse(m.token());
    assertThat(p.tokenId()).isEqualTo(m.record().tokenId());
    assertThat(m.token()).isEqualTo(ClaimTokens.PREFIX + p.tokenId() + "." + p.secret());
    assertThat(p.matches(m.record().secretHash())).isTrue();
    assertThat(MessageDigest.isEqual(p.secretHash(), m.record().secretHash())).isTrue();
  }

  private static final MintedToken FIXED = new ClaimTokens(Clock.systemUTC()).mint("group-1", Duration.ofHours(1), "op");

  @Property(tries = 1000)
  void random_strings_never_parse_into_a_token_matching_a_stored_hash(@ForAll @StringLength(max = 130) String s) {
    assertRandomNeverMatches(s);
  }

  @Property(tries = 1000)
  void random_well_shaped_strings_never_match_a_stored_hash(
      @ForAll @AlphaChars @NumericChars @StringLength(value = 43) String secret) {
    assertRandomNeverMatches("fct_" + FIXED.record().tokenId() + "." + secret);
  }

  private static void assertRandomNeverMatches(String s) {
    try {
      ParsedToken p = ClaimTokens.parse(s);
      assertThat(p.matches(FIXED.record().secretHash())).isFalse();
    } catch (EnrollmentException e) {
      assertThat(e.code()).isEqualTo("invalid_token");
    }
  }
}
