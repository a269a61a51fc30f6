package io.fedge.federation.secagg;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Drives one in-memory round, dropping each client at a chosen point. */
final class RoundHarness {
  /** The last step a client completes before it disappears; ALL = stays to the end. */
  enum Drop {
    BEFORE_ADVERTISING,
    BEFORE_SHARING,
    BEFORE_MASKED_INPUT,
    BEFORE_UNMASKING,
    NEVER
  }

  private RoundHarness() {}

  /** inputs[u - 1] is client u's encoded input; drops[u - 1] says when it drops. */
  static SecAggResult run(SecAggConfig config, long[][] inputs, Drop[] drops, SecureRandom random) {
    int n = config.clientCount();
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] clients = new SecAggClient[n + 1];
    for (int u = 1; u <= n; u++) {
      clients[u] = new SecAggClient(config, u, random);
    }
    List<SecAggClient> active = new ArrayList<>();
    for (int u = 1; u <= n; u++) {
      if (drops[u - 1] != Drop.BEFORE_ADVERTISING) {
        server.receiveAdvertiseKeys(clients[u].advertiseKeys());
        active.add(clients[u]);
      }
    }
    KeyDirectory directory = server.closeAdvertising();
    active.removeIf(c -> drops[c.clientId() - 1] == Drop.BEFORE_SHARING);
    for (SecAggClient c : active) {
      server.receiveEncryptedShares(c.shareKeys(directory));
    }
    List<ShareDelivery> deliveries = server.closeSharing();
    active.removeIf(c -> drops[c.clientId() - 1] == Drop.BEFORE_MASKED_INPUT);
    for (SecAggClient c : active) {
      ShareDelivery mine =
          deliveries.stream().filter(d -> d.recipientId() == c.clientId()).findFirst().orElseThrow();
      server.receiveMaskedInput(c.maskEncodedInput(mine, inputs[c.clientId() - 1]));
    }
    UnmaskRequest request = server.closeMaskedInput();
    active.removeIf(c -> drops[c.clientId() - 1] == Drop.BEFORE_UNMASKING);
    for (SecAggClient c : active) {
      server.receiveUnmaskResponse(c.unmask(request));
    }
    return server.finish();
  }

  /** The plain sum mod R of the inputs of the clients that sent masked input. */
  static long[] expectedSum(SecAggConfig config, long[][] inputs, Drop[] drops) {
    long mask = config.fixedPoint().ringMask();
    long[] sum = new long[config.vectorLength()];
    for (int u = 0; u < inputs.length; u++) {
      if (drops[u] == Drop.NEVER || drops[u] == Drop.BEFORE_UNMASKING) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] = (sum[i] + inputs[u][i]) & mask;
        }
      }
    }
    return sum;
  }

  static long[][] randomInputs(int n, int d, long ringMask, java.util.Random random) {
    long[][] inputs = new long[n][d];
    for (long[] x : inputs) {
      for (int i = 0; i < d; i++) {
        x[i] = random.nextLong() & ringMask;
      }
    }
    return inputs;
  }

  static Drop[] nobodyDrops(int n) {
    Drop[] d = new Drop[n];
    java.util.Arrays.fill(d, Drop.NEVER);
    return d;
  }
}
