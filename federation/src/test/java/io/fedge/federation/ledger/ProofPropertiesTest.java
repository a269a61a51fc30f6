package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random sizes and tampering on a 5000-leaf log, beyond the exhaustive range of ProofsTest. */
class ProofPropertiesTest {
  static final int N = 5000;
  static final byte[][] LEAVES = NaiveMerkle.leaves(N);
  static final byte[][] ROOTS = new byte[N + 1][];
  static final Proofs UNCACHED = new Proofs(HashSource.of(LEAVES), SubtreeCache.none());
  static final Proofs CACHED;

  static {
    MemorySubtreeCache cache = new MemorySubtreeCache(3);
    CompactRange range = new CompactRange();
    ROOTS[0] = range.root();
    for (int i = 0; i < N; i++) {
      range.append(LEAVES[i], cache);
      ROOTS[i + 1] = range.root();
    }
    CACHED = new Proofs(HashSource.of(LEAVES), cache);
  }

  @Property(tries = 300)
  void inclusionProofsVerifyAndAnyFlippedBitFails(
      @ForAll @IntRange(min = 1, max = N) int size,
      @ForAll @IntRange(min = 0, max = N - 1) int rawIndex,
      @ForAll @IntRange(min = 0, max = 10_000) int pick,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    int index = rawIndex % size;
    List<byte[]> proof = CACHED.inclusionProof(index, size);
    assertThat(proof).containsExactlyElementsOf(UNCACHED.inclusionProof(index, size));
    assertThatCode(() -> ProofVerifier.verifyInclusion(index, size, LEAVES[index], proof, ROOTS[size]))
        .doesNotThrowAnyException();
    if (!proof.isEmpty()) {
      List<byte[]> bad = ProofsTest.flip(proof, pick % proof.size(), bit);
      ProofsTest.assertReason(
          () -> ProofVerifier.verifyInclusion(index, size, LEAVES[index], bad, ROOTS[size]),
          ProofException.Reason.ROOT_MISMATCH);
    }
  }

  @Property(tries = 300)
  void consistencyProofsVerifyAndAnyFlippedBitFails(
      @ForAll @IntRange(min = 1, max = N) int newSize,
      @ForAll @IntRange(min = 1, max = N) int rawOld,
      @ForAll @IntRange(min = 0, max = 10_000) int pick,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    int oldSize = 1 + (rawOld - 1) % newSize;
    List<byte[]> proof = CACHED.consistencyProof(oldSize, newSize);
    assertThat(proof).containsExactlyElementsOf(UNCACHED.consistencyProof(oldSize, newSize));
    assertThatCode(() -> ProofVerifier.verifyConsistency(oldSize, newSize, ROOTS[oldSize], ROOTS[newSize], proof))
        .doesNotThrowAnyException();
    if (!proof.isEmpty()) {
      List<byte[]> bad = ProofsTest.flip(proof, pick % proof.size(), bit);
      assertThat(ProofsTest.failure(() -> ProofVerifier.verifyConsistency(oldSize, newSize, ROOTS[oldSize], ROOTS[newSize], bad)))
          .isIn(ProofException.Reason.ROOT_MISMATCH, ProofException.Reason.OLD_ROOT_MISMATCH);
    }
  }
}
