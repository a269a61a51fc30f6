package io.fedge.federation.psi;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Canonical forms of customer ids, applied by every party before hashing so that the same customer
 * maps to the same group element everywhere. The rule is named by a spec string that both parties
 * put in their {@link PsiMessages.Hello}; a run refuses to start when the specs differ. Rules (see
 * docs/psi.md):
 *
 * <ul>
 *   <li>{@code exact}: strip leading and trailing whitespace only.
 *   <li>{@code plain}: strip, Unicode NFKC, collapse inner whitespace runs to one space, case-fold
 *       (upper then lower case in the root locale, so "Straße" and "STRASSE" meet).
 *   <li>{@code email}: strip, NFKC, lower case; exactly one {@code @} with text on both sides and
 *       no whitespace.
 *   <li>{@code email-gmail}: as {@code email}, and for gmail.com and googlemail.com also drop dots
 *       and any {@code +tag} from the local part and use gmail.com as the domain.
 *   <li>{@code phone} or {@code phone:CC} (CC = default country calling code, 1 to 3 digits): drop
 *       spaces and {@code - . ( ) /}; a leading {@code +} or {@code 00} starts an international
 *       number; otherwise, with a default CC, one leading trunk {@code 0} is dropped and CC
 *       prepended. The result is {@code +} and 8 to 15 digits (E.164 length), else the id is
 *       invalid.
 * </ul>
 */
public final class IdNormalizer {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s\\-.()/]");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private enum Kind { EXACT, PLAIN, EMAIL, EMAIL_GMAIL, PHONE }

  private final String spec;
  private final Kind kind;
  private final String defaultCountryCode;

  private IdNormalizer(String spec, Kind kind, String cc) {
    this.spec = spec;
    this.kind = kind;
    this.defaultCountryCode = cc;
  }

  /**
   * @throws IllegalArgumentException for an unknown spec
   */
  public static IdNormalizer of(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("id normalisation spec is missing");
    }
    switch (spec) {
      case "exact":
        return new IdNormalizer(spec, Kind.EXACT, null);
      case "plain":
        return new IdNormalizer(spec, Kind.PLAIN, null);
      case "email":
        return new IdNormalizer(spec, Kind.EMAIL, null);
      case "email-gmail":
        return new IdNormalizer(spec, Kind.EMAIL_GMAIL, null);
      case "phone":
        return new IdNormalizer(spec, Kind.PHONE, null);
      default:
        if (spec.startsWith("phone:")) {
          String cc = spec.substring(6);
          if (cc.length() >= 1 && cc.length() <= 3 && DIGITS.matcher(cc).matches() && cc.charAt(0) != '0') {
            return new IdNormalizer(spec, Kind.PHONE, cc);
          }
        }
        throw new IllegalArgumentException("unknown id normalisation '" + spec
            + "': use exact, plain, email, email-gmail, phone or phone:<country code>");
    }
  }

  public String spec() {
    return spec;
  }

  /** The canonical form, or empty if the id is not valid under this rule (or blank). */
  public Optional<String> normalize(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.strip();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    switch (kind) {
      case EXACT:
        return Optional.of(s);
      case PLAIN:
        s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        s = WHITESPACE.matcher(s).replaceAll(" ");
        return Optional.of(fold(s));
      case EMAIL:
      case EMAIL_GMAIL:
        return email(s);
      case PHONE:
        return phone(s);
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  private static String fold(String s) {
    return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  private Optional<String> email(String s) {
    s = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    int at = s.indexOf('@');
    if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1 || WHITESPACE.matcher(s).find()) {
      return Optional.empty();
    }
    String local = s.substring(0, at);
    String domain = s.substring(at + 1);
    if (kind == Kind.EMAIL_GMAIL && (domain.equals("gmail.com") || domain.equals("googlemail.com"))) {
      int plus = local.indexOf('+');
      if (plus >= 0) {
        local = local.substring(0, plus);
      }
      local = local.replace(".", "");
      if (local.isEmpty()) {
        return Optional.empty();
      }
      domain = "gmail.com";
    }
    return Optional.of(local + "@" + domain);
  }

  private Optional<String> phone(String s) {
    s = PHONE_SEPARATORS.matcher(s).replaceAll("");
    String digits;
    if (s.startsWith("+")) {
      digits = s.substring(1);
    } else if (s.startsWith("00")) {
      digits = s.substring(2);
    } else if (defaultCountryCode != null) {
      digits = defaultCountryCode + (s.startsWith("0") ? s.substring(1) : s);
    } else {
      return Optional.empty();
    }
    if (!DIGITS.matcher(digits).matches() || digits.charAt(0) == '0'
        || digits.length() < 8 || digits.length() > 15) {
      return Optional.empty();
    }
    return Optional.of("+" + digits);
  }
}
