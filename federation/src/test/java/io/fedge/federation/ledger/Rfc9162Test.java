package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Rfc9162Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void emptyTreeRootIsSha256OfNothing() {
    assertThat(HEX.formatHex(Rfc9162.emptyRoot()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(new CompactRange().root()).isEqualTo(Rfc9162.emptyRoot());
  }

  @Test
  void leafHashOfTheEmptyEntryIsSha256OfTheLeafPrefix() {
    assertThat(HEX.formatHex(Rfc9162.leafHash(new byte[0])))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assertThat(Rfc9162.leafHash(new byte[0])).isEqualTo(NaiveMerkle.sha256(new byte[] {0}));
  }

  @Test
  void nodeHashPrefixesOneAndConcatenates() {
    byte[] l = Rfc9162.leafHash(new byte[] {1});
    byte[] r = Rfc9162.leafHash(new byte[] {2});
    assertThat(Rfc9162.nodeHash(l, r)).isEqualTo(NaiveMerkle.sha256(new byte[] {1}, l, r));
    assertThat(Rfc9162.nodeHash(l, r)).isNotEqualTo(Rfc9162.nodeHash(r, l));
    assertThatThrownBy(() -> Rfc9162.nodeHash(l, new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  /** The eight entries of the RFC 6962 reference tree, hashed by both implementations. */
  @Test
  void referenceTreeOfEightEntriesMatchesNaiveMthAtEverySize() {
    byte[][] entries = {
      {},
      {0x00},
      {0x10},
      {0x20, 0x21},
      {0x30, 0x31},
      {0x40, 0x41, 0x42, 0x43},
      {0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57},
      {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f}
    };
    List<byte[]> naiveLeaves = new ArrayList<>();
    byte[][] leafHashes = new byte[entries.length][];
    CompactRange range = new CompactRange();
    for (int i = 0; i < entries.length; i++) {
      leafHashes[i] = Rfc9162.leafHash(entries[i]);
      naiveLeaves.add(NaiveMerkle.leaf(entries[i]));
      range.append(leafHashes[i]);
      assertThat(range.root()).as("root of %d", i + 1).isEqualTo(NaiveMerkle.mth(naiveLeaves));
    }
    // The unbalanced shape by hand for seven leaves: ((01)(23))((45)6).
    byte[][] h = leafHashes;
    byte[] seven =
        node(node(node(h[0], h[1]), node(h[2], h[3])), node(node(h[4], h[5]), h[6]));
    Proofs proofs = new Proofs(HashSource.of(leafHashes), SubtreeCache.none());
    assertThat(proofs.root(7)).isEqualTo(seven);
    assertThat(proofs.inclusionProof(6, 7)).containsExactly(node(h[4], h[5]), node(node(h[0], h[1]), node(h[2], h[3])));
    assertThat(proofs.consistencyProof(3, 7))
        .containsExactly(h[2], h[3], node(h[0], h[1]), node(node(h[4], h[5]), h[6]));
  }

  private static byte[] node(byte[] l, byte[] r) {
    return NaiveMerkle.node(l, r);
  }
}
