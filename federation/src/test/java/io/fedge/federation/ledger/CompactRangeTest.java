package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactRangeTest {

  @Test
  void rootEqualsNaiveMthForEverySizeUpToAThousand() {
    byte[][] leaves = NaiveMerkle.leaves(1000);
    CompactRange range = new CompactRange();
    List<byte[]> prefix = new ArrayList<>();
    assertThat(range.root()).isEqualTo(NaiveMerkle.mth(prefix));
    for (int n = 1; n <= 1000; n++) {
      range.append(leaves[n - 1]);
      prefix.add(leaves[n - 1]);
      assertThat(range.size()).isEqualTo(n);
      assertThat(range.peaks()).hasSize(Integer.bitCount(n));
      assertThat(range.root()).as("size %d", n).isEqualTo(NaiveMerkle.mth(prefix));
    }
  }

  @Test
  void persistedStateResumesAppendingWithTheSameRoots() {
    byte[][] leaves = NaiveMerkle.leaves(300);
    CompactRange reference = new CompactRange();
    for (int cut = 0; cut < 300; cut += 37) {
      CompactRange first = new CompactRange();
      for (int i = 0; i < cut; i++) {
        first.append(leaves[i]);
      }
      byte[] state = first.toBytes();
      assertThat(state).hasSize(8 + 32 * Integer.bitCount(cut));
      CompactRange resumed = CompactRange.fromBytes(state);
      assertThat(resumed.size()).isEqualTo(cut);
      assertThat(resumed.root()).isEqualTo(first.root());
      for (int i = cut; i < 300; i++) {
        resumed.append(leaves[i]);
      }
      assertThat(resumed.root()).isEqualTo(NaiveMerkle.mth(Arrays.asList(leaves)));
      assertThat(CompactRange.of(cut, first.peaks()).root()).isEqualTo(first.root());
    }
    for (byte[] leaf : leaves) {
      reference.append(leaf);
    }
    assertThat(CompactRange.fromBytes(reference.toBytes()).toBytes()).isEqualTo(reference.toBytes());
  }

  @Test
  void stateOfTheWrongShapeIsRejected() {
    CompactRange range = new CompactRange();
    for (int i = 0; i < 5; i++) {
      range.append(NaiveMerkle.leaf(new byte[] {(byte) i}));
    }
    byte[] state = range.toBytes();
    assertThatThrownBy(() -> CompactRange.fromBytes(Arrays.copyOf(state, state.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.fromBytes(Arrays.copyOf(state, state.length + 32)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] negative = state.clone();
    negative[0] = (byte) 0x80;
    assertThatThrownBy(() -> CompactRange.fromBytes(negative)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.fromBytes(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.of(5, range.peaks().subList(0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> range.append(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendFeedsEveryPerfectSubtreeRootToTheCache() {
    byte[][] leaves = NaiveMerkle.leaves(100);
    MemorySubtreeCache cache = new MemorySubtreeCache(1);
    CompactRange range = new CompactRange();
    for (byte[] leaf : leaves) {
      range.append(leaf, cache);
    }
    for (int level = 1; level <= 6; level++) {
      int width = 1 << level;
      for (int index = 0; (index + 1) * width <= 100; index++) {
        List<byte[]> sub = Arrays.asList(leaves).subList(index * width, (index + 1) * width);
        assertThat(cache.get(level, index)).as("(%d,%d)", level, index).isEqualTo(NaiveMerkle.mth(sub));
      }
      assertThat(cache.get(level, 100 / width)).as("incomplete subtree at level %d", level).isNull();
    }
  }

  @Test
  void proofsRebuildTheCompactRangeOfAnyPrefix() {
    byte[][] leaves = NaiveMerkle.leaves(130);
    Proofs proofs = new Proofs(HashSource.of(leaves), SubtreeCache.none());
    for (int n = 0; n <= 130; n++) {
      CompactRange rebuilt = proofs.compactRange(n);
      assertThat(rebuilt.root()).isEqualTo(NaiveMerkle.mth(Arrays.asList(leaves).subList(0, n)));
      assertThat(proofs.root(n)).isEqualTo(rebuilt.root());
    }
  }
}
