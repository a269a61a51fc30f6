package io.fedge.federation.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ChunksTest {
  @Property(tries = 100)
  void chunksJoinBackInAnyOrderWithDuplicates(
      @ForAll @Size(max = 3000) byte[] payload, @ForAll @IntRange(min = 1, max = 700) int chunkBytes,
      @ForAll long seed) {
    List<Chunk> chunks = new ArrayList<>(Chunks.split("t.1", payload, chunkBytes));
    chunks.addAll(chunks.subList(0, chunks.size() / 2));
    Collections.shuffle(chunks, new Random(seed));
    assertThat(Chunks.join(chunks)).isEqualTo(payload);
  }

  @Property(tries = 100)
  void aMissingChunkIsReportedNotPadded(
      @ForAll @Size(min = 2, max = 2000) byte[] payload, @ForAll @IntRange(min = 1, max = 500) int chunkBytes,
      @ForAll @IntRange(min = 0, max = 1000) int drop) {
    List<Chunk> chunks = new ArrayList<>(Chunks.split("t.1", payload, chunkBytes));
    if (chunks.size() < 2) {
      return;
    }
    chunks.remove(drop % chunks.size());
    assertThatThrownBy(() -> Chunks.join(chunks)).isInstanceOf(WireException.class).hasMessageContaining("missing");
  }

  @Test
  void aChunkWhoseBytesWereAlteredIsRefusedOnArrival() {
    Chunk c = Chunks.split("t.1", new byte[] {1, 2, 3}).get(0);
    byte[] data = c.data().clone();
    data[0] ^= 1;
    assertThatThrownBy(() -> new Chunk(c.transferId(), 0, 1, 3, c.totalSha256(), c.sha256(), data))
        .hasMessageContaining("SHA-256");
  }

  @Test
  void aWholeThatDoesNotMatchItsHashIsRefused() {
    byte[] a = new byte[100];
    byte[] b = new byte[100];
    b[99] = 1;
    List<Chunk> ca = Chunks.split("t", a, 50);
    List<Chunk> cb = Chunks.split("t", b, 50);
    Chunk forged = new Chunk("t", 1, 2, 100, ca.get(0).totalSha256(), cb.get(1).sha256(), cb.get(1).data());
    assertThatThrownBy(() -> Chunks.join(List.of(ca.get(0), forged))).hasMessageContaining("does not match its SHA-256");
  }

  @Test
  void aFullChunkFitsTheMqttEnvelopeLimit() {
    byte[] payload = new byte[Chunk.CHUNK_BYTES * 2 + 7];
    new Random(1).nextBytes(payload);
    String transfer = RoundIds.updateTransfer("j-".repeat(20) + "job", 99999, 999, "d-" + "a".repeat(62));
    for (Chunk c : Chunks.split(transfer, payload)) {
      Envelope e = WireCodec.envelope(Kinds.ROUND_CHUNK, "d-abcdefghij", Instant.now(), c);
      byte[] wire = WireCodec.encode(e);
      assertThat(wire.length).isLessThan(WireCodec.MAX_MESSAGE_BYTES);
      Chunk back = WireCodec.body(WireCodec.decode(wire), Chunk.class);
      assertThat(back.data()).isEqualTo(c.data());
    }
  }
}
