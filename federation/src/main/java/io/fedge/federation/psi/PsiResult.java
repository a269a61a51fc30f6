package io.fedge.federation.psi;

import java.util.List;

/**
 * What a party learned: its own rows in the intersection.
 *
 * @param normalizedIds the normalised ids of the intersection, in ascending order of their UTF-8
 *     bytes: every party that learns the intersection lists it in this same order, which is the
 *     row order of the aligned dataset
 * @param rows for each entry of {@code normalizedIds}, its index in this party's input list
 */
public record PsiResult(List<String> normalizedIds, int[] rows) {
  public int size() {
    return rows.length;
  }
}
