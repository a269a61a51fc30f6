package io.fedge.federation.psi;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** Seeded id sets with a known intersection, written differently by each party. */
final class PsiFixture {
  static final IdNormalizer EMAIL = IdNormalizer.of("email");

  private PsiFixture() {}

  /** The canonical id of customer c. */
  static String canonical(int c) {
    return String.format("cust.%07d@example.com", c);
  }

  /** Customer c as party p writes it (case and whitespace vary per party). */
  static String written(int c, int party) {
    String s = canonical(c);
    return switch (party % 3) {
      case 0 -> s;
      case 1 -> "  " + s.toUpperCase() + "\t";
      default -> "Cust." + String.format("%07d", c) + "@Example.Com ";
    };
  }

  /** Customers of one party: the shared ones plus {@code own} private ones, shuffled. */
  static List<String> party(Set<Integer> shared, int own, int privateBase, int party, Random rnd) {
    List<String> ids = new ArrayList<>();
    for (int c : shared) {
      ids.add(written(c, party));
    }
    for (int i = 0; i < own; i++) {
      ids.add(written(privateBase + i, party));
    }
    Collections.shuffle(ids, rnd);
    return ids;
  }

  static Set<Integer> customers(int from, int count) {
    Set<Integer> s = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      s.add(from + i);
    }
    return s;
  }

  static List<String> canonicalSorted(Set<Integer> customers) {
    List<String> out = new ArrayList<>();
    for (int c : customers) {
      out.add(canonical(c));
    }
    Collections.sort(out);
    return out;
  }

  static SecureRandom random() {
    return new SecureRandom();
  }

  static PsiSettings settings() {
    return new PsiSettings(1000, 3, 100_000, 2);
  }
}
