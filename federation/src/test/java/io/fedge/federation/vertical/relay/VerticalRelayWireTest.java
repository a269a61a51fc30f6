package io.fedge.federation.vertical.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.psi.PsiMessages;
import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import io.fedge.federation.vertical.LrConfig;
import io.fedge.federation.vertical.LrMessages;
import io.fedge.federation.wire.WireException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerticalRelayWireTest {
  private final SecureRandom random = new SecureRandom();

  private static KeyPair deviceKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  @Test
  void sealedMessageOpensOnlyForTheReceiverAtItsOwnPlace() throws Exception {
    KeyPair alice = deviceKey();
    RoundKeyPair bobJobKey = RoundKeyPair.generate(random);
    RoundKeyPair hubGuess = RoundKeyPair.generate(random);
    byte[] plain = "masked matrix".getBytes();
    byte[] sealed = Sealing.seal("job-1", "dev-a", "dev-b", 3, plain, bobJobKey.publicKey(), alice.getPrivate(), random);

    assertThat(Sealing.open(sealed, "job-1", "dev-a", "dev-b", 3, bobJobKey, alice.getPublic())).isEqualTo(plain);
    // the relay holds no receiver key
    assertThatThrownBy(() -> Sealing.open(sealed, "job-1", "dev-a", "dev-b", 3, hubGuess, alice.getPublic()))
        .isInstanceOf(CryptoException.class);
    // replayed at another position, redirected, or claimed by another sender
    assertThatThrownBy(() -> Sealing.open(sealed, "job-1", "dev-a", "dev-b", 4, bobJobKey, alice.getPublic()))
        .hasMessageContaining("out of place");
    assertThatThrownBy(() -> Sealing.open(sealed, "job-1", "dev-c", "dev-b", 3, bobJobKey, alice.getPublic()))
        .hasMessageContaining("out of place");
    assertThatThrownBy(() -> Sealing.open(sealed, "job-1", "dev-a", "dev-b", 3, bobJobKey, deviceKey().getPublic()))
        .hasMessageContaining("signature");
    // the ciphertext does not contain the plaintext
    assertThat(indexOf(sealed, plain)).isNegative();
  }

  @Test
  void receiverDeliversLargeMessagesWholeInSequenceOrderOnce() {
    VerticalSender sender = new VerticalSender("dev-a");
    byte[] big = new byte[Chunk.CHUNK_BYTES * 2 + 17];
    new Random(1).nextBytes(big);
    byte[] small = {1, 2, 3};
    List<VerticalPacket> first = sender.packets("job-1", "dev-b", sender.nextSeq("job-1", "dev-b"), true, big);
    List<VerticalPacket> second = sender.packets("job-1", "dev-b", sender.nextSeq("job-1", "dev-b"), true, small);
    assertThat(first).hasSize(3);
    List<VerticalPacket> all = new ArrayList<>(first);
    all.addAll(second);
    all.add(first.get(1)); // a repeat
    Collections.shuffle(all, new Random(7));
    VerticalReceiver r = new VerticalReceiver("dev-b", 10L << 20);
    List<VerticalReceiver.Message> got = new ArrayList<>();
    for (VerticalPacket p : all) {
      got.addAll(r.accept(p));
    }
    for (VerticalPacket p : second) {
      got.addAll(r.accept(p)); // delivered already: dropped
    }
    assertThat(got).extracting(VerticalReceiver.Message::seq).containsExactly(0L, 1L);
    assertThat(got.get(0).payload()).isEqualTo(big);
    assertThat(got.get(1).payload()).isEqualTo(small);
    assertThat(r.heldBytes()).isZero();
  }

  @Test
  void receiverRefusesContradictingChunksTooFarAheadAndTooManyBytes() {
    VerticalSender sender = new VerticalSender("dev-a");
    byte[] payload = new byte[Chunk.CHUNK_BYTES + 10];
    List<VerticalPacket> ps = sender.packets("job-1", "dev-b", 0, true, payload);
    VerticalReceiver r = new VerticalReceiver("dev-b", 1L << 30);
    r.accept(ps.get(0));
    byte[] other = payload.clone();
    other[0] = 9;
    VerticalPacket forged = sender.packets("job-1", "dev-b", 0, true, other).get(0);
    assertThatThrownBy(() -> r.accept(forged)).isInstanceOf(WireException.class).hasMessageContaining("disagrees");

    VerticalPacket ahead = sender.packets("job-1", "dev-b", VerticalReceiver.MAX_AHEAD + 1, true, new byte[1]).get(0);
    assertThatThrownBy(() -> r.accept(ahead)).hasMessageContaining("ahead");

    VerticalReceiver tight = new VerticalReceiver("dev-b", 100);
    assertThatThrownBy(() -> tight.accept(ps.get(0))).hasMessageContaining("refusing more");
    assertThatThrownBy(() -> new VerticalReceiver("dev-c", 1 << 20).accept(ps.get(0))).hasMessageContaining("reached");
  }

  @Test
  void packetRefusesOversizeMismatchedTransferAndSelfAddress() {
    byte[] d = {1};
    Chunk ok = Chunks.split(VerticalPacket.transferId("job-1", "dev-a", "hub", 0), d).get(0);
    assertThat(new VerticalPacket("job-1", "dev-a", "hub", 0, false, ok).betweenDevices()).isFalse();
    assertThatThrownBy(() -> new VerticalPacket("job-1", "dev-a", "hub", 1, false, ok))
        .hasMessageContaining("transferId");
    assertThatThrownBy(() -> new VerticalPacket("job-1", "dev-a", "dev-a", 0, true, ok)).hasMessageContaining("sender");
    Chunk huge = new Chunk(VerticalPacket.transferId("job-1", "dev-a", "hub", 0), 0, VerticalPacket.MAX_CHUNKS + 1,
        1, ok.totalSha256(), ok.sha256(), d);
    assertThatThrownBy(() -> new VerticalPacket("job-1", "dev-a", "hub", 0, false, huge))
        .isInstanceOf(WireException.class).hasMessageContaining("at most");
    assertThatThrownBy(() -> new VerticalSender("dev-a").packets("job-1", "hub", 0, false,
        new byte[VerticalPacket.MAX_MESSAGE_BYTES + 1])).hasMessageContaining("exceeds");
  }

  @Test
  void codecRoundTripsLrAndPsiMessages() {
    LrMessages.Setup setup = new LrMessages.Setup("job-1", LrConfig.defaults(5, 64), "dev-a", List.of("dev-b"),
        Map.of("dev-b", new byte[] {1, 2}), Map.of("dev-b", new byte[] {3}));
    LrMessages.Setup back = (LrMessages.Setup) VerticalCodec.decode(VerticalCodec.encode(setup));
    assertThat(back.config()).isEqualTo(setup.config());
    assertThat(back.ownerSeeds().get("dev-b")).containsExactly(1, 2);
    LrMessages.MaskedFeatures m = new LrMessages.MaskedFeatures("job-1", 2, new long[] {Long.MIN_VALUE, -1, 0, 7});
    assertThat(((LrMessages.MaskedFeatures) VerticalCodec.decode(VerticalCodec.encode(m))).values())
        .containsExactly(Long.MIN_VALUE, -1, 0, 7);
    PsiMessages.BatchAck ack = new PsiMessages.BatchAck(1, "job-1", "dev-a", "dev-b", 4);
    assertThat(VerticalCodec.decode(VerticalCodec.encode(ack))).isEqualTo(ack);
    assertThatThrownBy(() -> VerticalCodec.decode("J{\"type\":\"nope\",\"body\":{}}".getBytes()))
        .hasMessageContaining("no known type");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
