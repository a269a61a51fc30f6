package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation on the server side: bad messages are rejected and the round goes on without them. */
class SecAggServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int N = 4;
  private final SecAggConfig config = new SecAggConfig(21, N, 3, 8, new FixedPoint(32, 8, 10));

  @Test
  void rejectsBadMessagesAndStillCompletesTheRound() {
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] c = new SecAggClient[N + 1];
    AdvertiseKeys[] ads = new AdvertiseKeys[N + 1];
    for (int u = 1; u <= N; u++) {
      c[u] = new SecAggClient(config, u, RANDOM);
      ads[u] = c[u].advertiseKeys();
      server.receiveAdvertiseKeys(ads[u]);
    }
    assertThatThrownBy(() -> server.receiveAdvertiseKeys(ads[2])).hasMessageContaining("twice");
    assertThatThrownBy(() -> server.receiveAdvertiseKeys(
            new AdvertiseKeys(21, 9, ads[1].encryptionPublicKey(), ads[1].maskingPublicKey())))
        .hasMessageContaining("1..4");
    assertThatThrownBy(() -> server.receiveAdvertiseKeys(
            new AdvertiseKeys(22, 1, ads[1].encryptionPublicKey(), ads[1].maskingPublicKey())))
        .hasMessageContaining("round 22");
    KeyDirectory dir = server.closeAdvertising();
    assertThat(dir.clients()).hasSize(N);
    assertThatThrownBy(() -> server.receiveAdvertiseKeys(ads[1])).hasMessageContaining("phase SHARING");

    EncryptedShares[] es = new EncryptedShares[N + 1];
    for (int u = 1; u <= N; u++) {
      es[u] = c[u].shareKeys(dir);
    }
    SealedShare[] s1 = es[1].shares();
    assertThatThrownBy(() -> server.receiveEncryptedShares(new EncryptedShares(21, 1, new SealedShare[] {s1[0], s1[1]})))
        .hasMessageContaining("U1 needs 3");
    assertThatThrownBy(() -> server.receiveEncryptedShares(new EncryptedShares(21, 1, new SealedShare[] {s1[0], s1[0], s1[1]})))
        .hasMessageContaining("twice or itself");
    assertThatThrownBy(() -> server.receiveEncryptedShares(new EncryptedShares(21, 2, s1)))
        .hasMessageContaining("claiming sender 1");
    SealedShare shortCt = new SealedShare(1, s1[0].recipientId(), new byte[10]);
    assertThatThrownBy(() -> server.receiveEncryptedShares(new EncryptedShares(21, 1, new SealedShare[] {shortCt, s1[1], s1[2]})))
        .hasMessageContaining("10 bytes");
    for (int u = 1; u <= N; u++) {
      server.receiveEncryptedShares(es[u]);
    }
    assertThatThrownBy(() -> server.receiveEncryptedShares(es[3])).hasMessageContaining("twice");
    List<ShareDelivery> deliveries = server.closeSharing();

    long[][] x = new long[N + 1][8];
    for (int u = 1; u <= N; u++) {
      for (int i = 0; i < 8; i++) {
        x[u][i] = u * 100 + i;
      }
    }
    MaskedInput[] mi = new MaskedInput[N + 1];
    for (int u = 1; u <= N; u++) {
      mi[u] = c[u].maskEncodedInput(deliveries.get(u - 1), x[u]);
    }
    assertThatThrownBy(() -> server.receiveMaskedInput(new MaskedInput(21, 1, new long[7])))
        .hasMessageContaining("7 coordinates");
    long[] wide = mi[1].maskedVector();
    wide[0] |= 1L << 40;
    assertThatThrownBy(() -> server.receiveMaskedInput(new MaskedInput(21, 1, wide)))
        .hasMessageContaining("outside the ring");
    for (int u = 1; u <= 3; u++) { // client 4 drops before its masked input arrives
      server.receiveMaskedInput(mi[u]);
    }
    assertThatThrownBy(() -> server.receiveMaskedInput(mi[2])).hasMessageContaining("twice");
    UnmaskRequest req = server.closeMaskedInput();
    assertThat(req.survivors()).containsExactly(1, 2, 3);
    assertThat(req.dropouts()).containsExactly(4);
    assertThatThrownBy(() -> server.receiveMaskedInput(mi[4])).hasMessageContaining("phase UNMASKING");

    UnmaskResponse r1 = c[1].unmask(req);
    assertThatThrownBy(() -> server.receiveUnmaskResponse(new UnmaskResponse(
            21, 1, new int[] {1, 2, 3, 4}, new byte[4][32], new int[0], new byte[0][])))
        .hasMessageContaining("expected [1, 2, 3]");
    assertThatThrownBy(() -> server.receiveUnmaskResponse(new UnmaskResponse(
            21, 1, new int[] {1, 2, 3}, new byte[][] {new byte[32], new byte[32], new byte[5]},
            new int[] {4}, new byte[1][32])))
        .hasMessageContaining("5 bytes");
    server.receiveUnmaskResponse(r1);
    assertThatThrownBy(() -> server.receiveUnmaskResponse(r1)).hasMessageContaining("twice");
    server.receiveUnmaskResponse(c[2].unmask(req));
    server.receiveUnmaskResponse(c[3].unmask(req));

    SecAggResult result = server.finish();
    assertThat(result.sum()).containsExactly(600, 603, 606, 609, 612, 615, 618, 621);
    assertThat(result.contributors()).containsExactly(1, 2, 3);
    assertThat(server.phase()).isEqualTo(SecAggServer.Phase.DONE);
  }

  @Test
  void abortsWhenAReconstructedKeyDoesNotMatchItsPublicKey() {
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] c = new SecAggClient[N + 1];
    for (int u = 1; u <= N; u++) {
      c[u] = new SecAggClient(config, u, RANDOM);
      server.receiveAdvertiseKeys(c[u].advertiseKeys());
    }
    KeyDirectory dir = server.closeAdvertising();
    for (int u = 1; u <= N; u++) {
      server.receiveEncryptedShares(c[u].shareKeys(dir));
    }
    List<ShareDelivery> deliveries = server.closeSharing();
    for (int u = 1; u <= 3; u++) {
      server.receiveMaskedInput(c[u].maskEncodedInput(deliveries.get(u - 1), new long[8]));
    }
    UnmaskRequest req = server.closeMaskedInput();
    UnmaskResponse honest = c[1].unmask(req);
    byte[][] corruptKeyShares = honest.keyShares();
    // not the low bits of byte 0: X25519 clamps them, so changing them gives an equivalent key
    corruptKeyShares[0][5] ^= 0x5A;
    server.receiveUnmaskResponse(new UnmaskResponse(21, 1, honest.selfMaskOwners(),
        honest.selfMaskShares(), honest.keyOwners(), corruptKeyShares));
    server.receiveUnmaskResponse(c[2].unmask(req));
    server.receiveUnmaskResponse(c[3].unmask(req));
    assertThatThrownBy(server::finish)
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("masking key of dropped client 4 does not match");
    assertThat(server.phase()).isEqualTo(SecAggServer.Phase.ABORTED);
  }
}
