package io.fedge.agent.dashboard.auth;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * The code printed on the appliance's label: 8 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), shown as {@code XXXX-XXXX}. 31 symbols, so 8.5e11 codes (39.6 bits); guessing is
 * bounded by the pairing lockout, not by the code's length alone.
 */
public final class PairingCode {
  public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  public static final int LENGTH = 8;

  private PairingCode() {}

  /** A fresh code in canonical form (no dash). */
  public static String generate(SecureRandom random) {
    StringBuilder sb = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** {@code ABCD-EFGH} for people. */
  public static String display(String canonical) {
    return canonical.substring(0, 4) + "-" + canonical.substring(4);
  }

  /**
   * What a person typed, in canonical form: case, spaces and dashes ignored. Empty if it cannot be
   * a code (wrong length or a symbol not in the alphabet), so a typo is reported as such before it
   * costs a pairing attempt.
   */
  public static Optional<String> normalize(String typed) {
    if (typed == null || typed.length() > 64) {
      return Optional.empty();
    }
    String s = typed.replace("-", "").replace(" ", "").strip().toUpperCase(Locale.ROOT);
    if (s.length() != LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      if (ALPHABET.indexOf(s.charAt(i)) < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(s);
  }
}
