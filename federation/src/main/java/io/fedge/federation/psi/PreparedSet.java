package io.fedge.federation.psi;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A party's ids after validation and normalisation: refuses empty and oversized sets, invalid and
 * duplicate ids (after normalisation) with row numbers, never with the ids themselves.
 */
final class PreparedSet {
  final String[] normalized;
  final byte[][] utf8;

  private PreparedSet(String[] normalized) {
    this.normalized = normalized;
    this.utf8 = new byte[normalized.length][];
    for (int i = 0; i < normalized.length; i++) {
      utf8[i] = normalized[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  int size() {
    return normalized.length;
  }

  static PreparedSet of(List<String> ids, IdNormalizer normalizer, int maxSetSize) {
    if (ids == null || ids.isEmpty()) {
      throw new PsiException(PsiException.Code.EMPTY_SET,
          "the id set is empty: PSI needs at least one id on every side");
    }
    if (ids.size() > maxSetSize) {
      throw new PsiException(PsiException.Code.SET_TOO_LARGE, "the id set has " + ids.size()
          + " ids, more than the limit of " + maxSetSize + ": split the job or raise the PSI maxSetSize setting");
    }
    String[] norm = new String[ids.size()];
    Map<String, Integer> seen = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < norm.length; i++) {
      int row = i;
      norm[i] = normalizer.normalize(ids.get(i)).orElseThrow(() -> new PsiException(
          PsiException.Code.INVALID_ID, "id at row " + row + " is blank or not valid under the '"
              + normalizer.spec() + "' normalisation: fix or drop that row"));
      Integer before = seen.putIfAbsent(norm[i], i);
      if (before != null) {
        throw new PsiException(PsiException.Code.DUPLICATE_ID, "ids at rows " + before + " and " + i
            + " are the same after '" + normalizer.spec() + "' normalisation: deduplicate the input");
      }
    }
    return new PreparedSet(norm);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  static int[] shuffled(int n, SecureRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** The result for the given input rows, sorted by the UTF-8 bytes of the normalised id. */
  PsiResult result(int[] rows) {
    Integer[] boxed = new Integer[rows.length];
    for (int i = 0; i < rows.length; i++) {
      boxed[i] = rows[i];
    }
    Arrays.sort(boxed, (x, y) -> Arrays.compareUnsigned(utf8[x], utf8[y]));
    List<String> ids = new ArrayList<>(rows.length);
    int[] sorted = new int[rows.length];
    for (int i = 0; i < boxed.length; i++) {
      sorted[i] = boxed[i];
      ids.add(normalized[boxed[i]]);
    }
    return new PsiResult(List.copyOf(ids), sorted);
  }
}
