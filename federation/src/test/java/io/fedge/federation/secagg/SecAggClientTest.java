package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Validation on the client side; a round of 5 clients, threshold 3, driven to the unmask step. */
class SecAggClientTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int N = 5;
  private final SecAggConfig config = new SecAggConfig(11, N, 3, 16, new FixedPoint(64, 8, 10));
  private SecAggServer server;
  private SecAggClient[] clients;
  private KeyDirectory directory;
  private List<ShareDelivery> deliveries;

  @BeforeEach
  void shareKeys() {
    server = new SecAggServer(config);
    clients = new SecAggClient[N + 1];
    for (int u = 1; u <= N; u++) {
      clients[u] = new SecAggClient(config, u, RANDOM);
      server.receiveAdvertiseKeys(clients[u].advertiseKeys());
    }
    directory = server.closeAdvertising();
    for (int u = 1; u <= N; u++) {
      server.receiveEncryptedShares(clients[u].shareKeys(directory));
    }
    deliveries = server.closeSharing();
  }

  private void maskAll() {
    for (int u = 1; u <= N; u++) {
      clients[u].maskEncodedInput(deliveries.get(u - 1), new long[16]);
    }
  }

  @Test
  void refusesToRevealBothSharesOfTheSamePeer() {
    maskAll();
    SecAggClient c = clients[1];
    UnmaskRequest both = new UnmaskRequest(11, new int[] {1, 2, 3, 4}, new int[] {4, 5});
    assertThatThrownBy(() -> c.unmask(both))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("refusing to reveal both")
        .hasMessageContaining("client 4");
    assertThat(c.state()).isEqualTo(SecAggClient.State.ABORTED);
    // once aborted, even a well-formed request gets nothing
    assertThatThrownBy(() -> c.unmask(new UnmaskRequest(11, new int[] {1, 2, 3}, new int[] {4, 5})))
        .hasMessageContaining("ABORTED");
  }

  @Test
  void answersOnlyOnceSoASecondRequestCannotAskForTheOtherShare() {
    maskAll();
    SecAggClient c = clients[2];
    UnmaskResponse r = c.unmask(new UnmaskRequest(11, new int[] {1, 2, 3, 4}, new int[] {5}));
    assertThat(r.selfMaskOwners()).containsExactly(1, 2, 3, 4);
    assertThat(r.keyOwners()).containsExactly(5);
    assertThatThrownBy(() -> c.unmask(new UnmaskRequest(11, new int[] {1, 2, 3}, new int[] {4, 5})))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("UNMASKED");
  }

  @Test
  void refusesRequestsThatDoNotPartitionItsU2() {
    maskAll();
    assertThatThrownBy(() -> clients[1].unmask(new UnmaskRequest(11, new int[] {1, 2, 3}, new int[] {4})))
        .hasMessageContaining("neither lists client 5");
    assertThatThrownBy(() -> clients[2].unmask(new UnmaskRequest(11, new int[] {1, 2, 3, 3}, new int[] {4, 5})))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> clients[3].unmask(new UnmaskRequest(11, new int[] {1, 2, 4, 5}, new int[] {3})))
        .hasMessageContaining("does not list client 3 as a survivor");
    assertThatThrownBy(() -> clients[4].unmask(new UnmaskRequest(11, new int[] {4, 5}, new int[] {1, 2, 3})))
        .hasMessageContaining("fewer than the threshold 3");
    assertThatThrownBy(() -> clients[5].unmask(new UnmaskRequest(12, new int[] {1, 2, 3, 4, 5}, new int[0])))
        .hasMessageContaining("round 12");
    for (int u = 1; u <= N; u++) {
      assertThat(clients[u].state()).isEqualTo(SecAggClient.State.ABORTED);
    }
  }

  @Test
  void refusesTamperedMisaddressedOrDuplicatedShares() {
    ShareDelivery d1 = deliveries.get(0);
    SealedShare[] shares = d1.shares();
    byte[] ct = shares[0].ciphertext();
    ct[20] ^= 1;
    SealedShare[] tampered = shares.clone();
    tampered[0] = new SealedShare(shares[0].senderId(), 1, ct);
    assertThatThrownBy(() -> clients[1].maskEncodedInput(new ShareDelivery(11, 1, tampered), new long[16]))
        .hasMessageContaining("failed authentication");
    assertThat(clients[1].state()).isEqualTo(SecAggClient.State.ABORTED);

    // client 2's delivery handed to client 3 (relabelled): ciphertexts are bound to recipient 2
    SealedShare[] for2 = deliveries.get(1).shares();
    SealedShare[] relabelled = new SealedShare[for2.length];
    for (int i = 0; i < for2.length; i++) {
      relabelled[i] = new SealedShare(for2[i].senderId(), 3, for2[i].ciphertext());
    }
    assertThatThrownBy(() -> clients[3].maskEncodedInput(new ShareDelivery(11, 3, relabelled), new long[16]))
        .isInstanceOf(SecAggException.class);

    SealedShare[] for4 = deliveries.get(3).shares();
    SealedShare[] dup = {for4[0], for4[0], for4[1]};
    assertThatThrownBy(() -> clients[4].maskEncodedInput(new ShareDelivery(11, 4, dup), new long[16]))
        .hasMessageContaining("two shares from client");

    SealedShare[] for5 = deliveries.get(4).shares();
    assertThatThrownBy(() -> clients[5].maskEncodedInput(new ShareDelivery(11, 5, new SealedShare[] {for5[0]}), new long[16]))
        .hasMessageContaining("fewer than the threshold");
  }

  @Test
  void refusesBadKeyDirectoriesAndInputs() {
    SecAggClient fresh = new SecAggClient(config, 1, RANDOM);
    fresh.advertiseKeys();
    // the directory from setup carries other keys for client 1
    assertThatThrownBy(() -> fresh.shareKeys(directory)).hasMessageContaining("own keys");

    SecAggClient c = new SecAggClient(config, 2, RANDOM);
    AdvertiseKeys mine = c.advertiseKeys();
    AdvertiseKeys[] entries = directory.clients();
    entries[1] = mine;
    AdvertiseKeys[] twice = {entries[0], entries[1], entries[2], entries[2]};
    assertThatThrownBy(() -> c.shareKeys(new KeyDirectory(11, twice))).hasMessageContaining("twice");

    SecAggClient d = new SecAggClient(config, 2, RANDOM);
    AdvertiseKeys dKeys = d.advertiseKeys();
    assertThatThrownBy(() -> d.shareKeys(new KeyDirectory(11, new AdvertiseKeys[] {entries[0], dKeys})))
        .hasMessageContaining("fewer than the threshold");

    assertThatThrownBy(() -> clients[1].maskInput(deliveries.get(0), new double[15]))
        .hasMessageContaining("15 coordinates");
    assertThat(clients[2].maskInput(deliveries.get(1), new double[16]).maskedVector()).hasSize(16);
    double[] nan = new double[16];
    nan[3] = Double.NaN;
    assertThatThrownBy(() -> clients[3].maskInput(deliveries.get(2), nan)).hasMessageContaining("input[3]");
    assertThatThrownBy(() -> clients[4].maskEncodedInput(deliveries.get(0), new long[16]))
        .hasMessageContaining("share delivery for client 1 given to client 4");
    assertThatThrownBy(() -> new SecAggClient(config, 6, RANDOM)).hasMessageContaining("1..5");
  }
}
