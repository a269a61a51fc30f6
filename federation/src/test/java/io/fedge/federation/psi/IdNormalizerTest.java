package io.fedge.federation.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdNormalizerTest {
  @Test
  void plainIdsAreTrimmedCollapsedAndCaseFolded() {
    IdNormalizer n = IdNormalizer.of("plain");
    assertThat(n.normalize("  Hans   Müller\t")).contains("hans müller");
    assertThat(n.normalize("STRASSE")).isEqualTo(n.normalize("Straße"));
    assertThat(n.normalize("ＡＢＣ１")).contains("abc1"); // NFKC folds full-width forms
    assertThat(n.normalize("   ")).isEmpty();
  }

  @Test
  void exactIdsKeepTheirCase() {
    assertThat(IdNormalizer.of("exact").normalize(" AbC ")).contains("AbC");
  }

  @Test
  void emailsAreLowerCasedAndNeedOneAtSign() {
    IdNormalizer n = IdNormalizer.of("email");
    assertThat(n.normalize(" John.Doe+News@Example.COM ")).contains("john.doe+news@example.com");
    assertThat(n.normalize("no-at-sign")).isEmpty();
    assertThat(n.normalize("a@b@c")).isEmpty();
    assertThat(n.normalize("a b@c.de")).isEmpty();
  }

  @Test
  void gmailRulesApplyOnlyWhenAskedAndOnlyToGmail() {
    IdNormalizer g = IdNormalizer.of("email-gmail");
    assertThat(g.normalize("John.Doe+News@GoogleMail.com")).contains("johndoe@gmail.com");
    assertThat(g.normalize("john.doe+news@example.com")).contains("john.doe+news@example.com");
    assertThat(IdNormalizer.of("email").normalize("John.Doe@gmail.com")).contains("john.doe@gmail.com");
  }

  @Test
  void phonesBecomeE164WithADefaultCountryCode() {
    IdNormalizer de = IdNormalizer.of("phone:49");
    assertThat(de.normalize("0171 234-5678")).contains("+491712345678");
    assertThat(de.normalize("+49 (171) 234 5678")).contains("+491712345678");
    assertThat(de.normalize("0049 171 2345678")).contains("+491712345678");
    assertThat(de.normalize("+1 415 555 0100")).contains("+14155550100");
    assertThat(de.normalize("12-34")).isEmpty(); // too short
    assertThat(de.normalize("0171 CALL ME")).isEmpty();
    assertThat(IdNormalizer.of("phone").normalize("0171 2345678")).isEqualTo(Optional.empty());
  }

  @Test
  void unknownRulesAreRefused() {
    assertThatThrownBy(() -> IdNormalizer.of("soundex")).hasMessageContaining("unknown id normalisation");
    assertThatThrownBy(() -> IdNormalizer.of("phone:0049")).hasMessageContaining("unknown");
  }
}
