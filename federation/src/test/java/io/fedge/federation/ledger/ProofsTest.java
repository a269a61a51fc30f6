package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exhaustive checks over every tree size up to {@link #N}. */
class ProofsTest {
  static final int N = 300;
  static byte[][] leaves;
  static byte[][] roots;
  static Proofs cached;

  @BeforeAll
  static void buildLog() {
    leaves = NaiveMerkle.leaves(N + 1);
    roots = new byte[N + 2][];
    MemorySubtreeCache cache = new MemorySubtreeCache(2);
    CompactRange range = new CompactRange();
    roots[0] = range.root();
    for (int i = 0; i <= N; i++) {
      range.append(leaves[i], cache);
      roots[i + 1] = range.root();
    }
    cached = new Proofs(HashSource.of(leaves), cache);
  }

  @Test
  void generatedProofsEqualTheNaiveRfcTranscription() {
    Proofs uncached = new Proofs(HashSource.of(leaves), SubtreeCache.none());
    List<byte[]> all = Arrays.asList(leaves);
    for (int n = 1; n <= 70; n++) {
      List<byte[]> d = all.subList(0, n);
      for (int m = 0; m < n; m++) {
        List<byte[]> expected = NaiveMerkle.path(m, d);
        assertThat(uncached.inclusionProof(m, n)).as("PATH(%d, %d)", m, n).containsExactlyElementsOf(expected);
        assertThat(cached.inclusionProof(m, n)).containsExactlyElementsOf(expected);
        assertThat(Proofs.inclusionProof(m, n, HashSource.of(leaves))).containsExactlyElementsOf(expected);
        if (m > 0) {
          List<byte[]> proof = NaiveMerkle.proof(m, d);
          assertThat(uncached.consistencyProof(m, n)).as("PROOF(%d, %d)", m, n).containsExactlyElementsOf(proof);
          assertThat(cached.consistencyProof(m, n)).containsExactlyElementsOf(proof);
        }
      }
    }
  }

  @Test
  void everyInclusionProofVerifiesUpToThreeHundredLeaves() throws ProofException {
    for (int n = 1; n <= N; n++) {
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = cached.inclusionProof(i, n);
        assertThat(proof).hasSize(ProofVerifier.inclusionLength(i, n));
        ProofVerifier.verifyInclusion(i, n, leaves[i], proof, roots[n]);
      }
    }
  }

  @Test
  void everyConsistencyProofVerifiesUpToThreeHundredLeaves() throws ProofException {
    for (int n = 1; n <= N; n++) {
      for (int m = 0; m <= n; m++) {
        List<byte[]> proof = cached.consistencyProof(m, n);
        if (m > 0 && m < n) {
          assertThat(proof).hasSize(ProofVerifier.consistencyLength(m, n));
        } else {
          assertThat(proof).isEmpty();
        }
        ProofVerifier.verifyConsistency(m, n, roots[m], roots[n], proof);
      }
    }
  }

  @Test
  void flippingAnyBitOfAnyInclusionProofHashFails() {
    for (int n = 2; n <= 40; n++) {
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = cached.inclusionProof(i, n);
        for (int e = 0; e < proof.size(); e++) {
          for (int bit = (i + e) % 8; bit < 256; bit += 8) {
            List<byte[]> bad = flip(proof, e, bit);
            int index = i;
            int size = n;
            assertReason(
                () -> ProofVerifier.verifyInclusion(index, size, leaves[index], bad, roots[size]),
                ProofException.Reason.ROOT_MISMATCH);
          }
        }
      }
    }
  }

  @Test
  void flippingAnyBitOfAnyConsistencyProofHashFails() {
    for (int n = 2; n <= 40; n++) {
      for (int m = 1; m < n; m++) {
        List<byte[]> proof = cached.consistencyProof(m, n);
        for (int e = 0; e < proof.size(); e++) {
          for (int bit = (m + e) % 8; bit < 256; bit += 8) {
            List<byte[]> bad = flip(proof, e, bit);
            int o = m;
            int s = n;
            assertThat(failure(() -> ProofVerifier.verifyConsistency(o, s, roots[o], roots[s], bad)))
                .as("PROOF(%d, %d) element %d bit %d", o, s, e, bit)
                .isNotNull();
          }
        }
      }
    }
  }

  @Test
  void shiftedIndexOrSizeOrAnotherRootFailsInclusion() {
    byte[] otherRoot = NaiveMerkle.leaf(new byte[] {42});
    for (int n = 1; n <= 120; n++) {
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = cached.inclusionProof(i, n);
        int index = i;
        int size = n;
        for (int d : new int[] {-1, 1}) {
          int shift = d;
          assertThat(failure(() -> ProofVerifier.verifyInclusion(index + shift, size, leaves[index], proof, roots[size])))
              .as("PATH(%d, %d) at index %+d", index, size, shift)
              .isNotNull();
          assertThat(failure(() -> ProofVerifier.verifyInclusion(index, size + shift, leaves[index], proof, roots[size + shift])))
              .as("PATH(%d, %d) at size %+d", index, size, shift)
              .isNotNull();
        }
        assertReason(
            () -> ProofVerifier.verifyInclusion(index, size, leaves[index], proof, otherRoot),
            ProofException.Reason.ROOT_MISMATCH);
        assertReason(
            () -> ProofVerifier.verifyInclusion(index, size, leaves[index + 1], proof, roots[size]),
            ProofException.Reason.ROOT_MISMATCH);
      }
    }
  }

  @Test
  void shiftedSizesOrAnotherRootFailConsistency() {
    for (int n = 2; n <= 120; n++) {
      for (int m = 1; m < n; m++) {
        List<byte[]> proof = cached.consistencyProof(m, n);
        int o = m;
        int s = n;
        for (int d : new int[] {-1, 1}) {
          if (o + d >= 1 && o + d <= s) {
            int old = o + d;
            assertThat(failure(() -> ProofVerifier.verifyConsistency(old, s, roots[old], roots[s], proof)))
                .as("old %d->%d", o, old)
                .isNotNull();
          }
          int neu = s + d;
          assertThat(failure(() -> ProofVerifier.verifyConsistency(o, neu, roots[o], roots[neu], proof)))
              .as("new %d->%d", s, neu)
              .isNotNull();
        }
        assertReason(
            () -> ProofVerifier.verifyConsistency(o, s, roots[o], roots[s + 1], proof),
            ProofException.Reason.ROOT_MISMATCH);
        // A perfect old tree's root seeds both accumulators, so a wrong one shows as a new-root mismatch.
        assertReason(
            () -> ProofVerifier.verifyConsistency(o, s, roots[o - 1], roots[s], proof),
            Integer.bitCount(o) == 1 ? ProofException.Reason.ROOT_MISMATCH : ProofException.Reason.OLD_ROOT_MISMATCH);
      }
    }
  }

  @Test
  void impossibleSizesAndLengthsAreRejectedWithTheirReason() {
    List<byte[]> p = cached.inclusionProof(3, 10);
    assertReason(() -> ProofVerifier.verifyInclusion(10, 10, leaves[3], p, roots[10]), ProofException.Reason.BAD_SIZE);
    assertReason(() -> ProofVerifier.verifyInclusion(-1, 10, leaves[3], p, roots[10]), ProofException.Reason.BAD_SIZE);
    assertReason(() -> ProofVerifier.verifyInclusion(0, 0, leaves[0], List.of(), roots[0]), ProofException.Reason.BAD_SIZE);
    List<byte[]> longer = new ArrayList<>(p);
    longer.add(roots[1]);
    assertReason(() -> ProofVerifier.verifyInclusion(3, 10, leaves[3], longer, roots[10]), ProofException.Reason.WRONG_LENGTH);
    assertReason(
        () -> ProofVerifier.verifyInclusion(3, 10, leaves[3], p.subList(0, p.size() - 1), roots[10]),
        ProofException.Reason.WRONG_LENGTH);
    List<byte[]> shortHash = new ArrayList<>(p);
    shortHash.set(0, new byte[31]);
    assertReason(() -> ProofVerifier.verifyInclusion(3, 10, leaves[3], shortHash, roots[10]), ProofException.Reason.MALFORMED);

    List<byte[]> c = cached.consistencyProof(3, 10);
    assertReason(() -> ProofVerifier.verifyConsistency(10, 3, roots[10], roots[3], c), ProofException.Reason.BAD_SIZE);
    assertReason(() -> ProofVerifier.verifyConsistency(-1, 3, roots[0], roots[3], c), ProofException.Reason.BAD_SIZE);
    assertReason(() -> ProofVerifier.verifyConsistency(3, 10, roots[3], roots[10], List.of()), ProofException.Reason.WRONG_LENGTH);
    assertReason(() -> ProofVerifier.verifyConsistency(3, 10, roots[3], roots[10], c.subList(1, c.size())), ProofException.Reason.WRONG_LENGTH);
    assertReason(() -> ProofVerifier.verifyConsistency(5, 5, roots[5], roots[5], c), ProofException.Reason.WRONG_LENGTH);
    assertReason(() -> ProofVerifier.verifyConsistency(5, 5, roots[4], roots[5], List.of()), ProofException.Reason.OLD_ROOT_MISMATCH);
    assertReason(() -> ProofVerifier.verifyConsistency(0, 5, roots[1], roots[5], List.of()), ProofException.Reason.OLD_ROOT_MISMATCH);
    assertThatCode(() -> ProofVerifier.verifyConsistency(0, 5, roots[0], roots[5], List.of())).doesNotThrowAnyException();

    assertThatThrownBy(() -> cached.inclusionProof(5, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cached.inclusionProof(0, N + 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cached.consistencyProof(6, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void callersMayModifyProofsWithoutCorruptingTheSource() throws ProofException {
    List<byte[]> proof = cached.inclusionProof(0, 2);
    proof.get(0)[0] ^= 1;
    ProofVerifier.verifyInclusion(0, 2, leaves[0], cached.inclusionProof(0, 2), roots[2]);
    assertThat(cached.inclusionProof(0, 2).get(0)).isEqualTo(leaves[1]);
  }

  static List<byte[]> flip(List<byte[]> proof, int element, int bit) {
    List<byte[]> copy = new ArrayList<>();
    for (byte[] h : proof) {
      copy.add(h.clone());
    }
    copy.get(element)[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  interface Check {
    void run() throws ProofException;
  }

  /** The reason {@code check} fails, or null if it passes (cheaper than assertThatThrownBy in loops). */
  static ProofException.Reason failure(Check check) {
    try {
      check.run();
      return null;
    } catch (ProofException e) {
      return e.reason();
    }
  }

  static void assertReason(Check check, ProofException.Reason reason) {
    assertThat(failure(check)).isEqualTo(reason);
  }
}
