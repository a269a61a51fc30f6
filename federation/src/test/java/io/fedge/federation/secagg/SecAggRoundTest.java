package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.secagg.RoundHarness.Drop;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SecAggRoundTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Property(tries = 40)
  void aggregateEqualsPlainSumModR(
      @ForAll @IntRange(min = 3, max = 20) int n,
      @ForAll @IntRange(min = 2, max = 20) int threshold,
      @ForAll @IntRange(min = 1, max = 300) int d,
      @ForAll boolean ring64,
      @ForAll long inputSeed) {
    int t = Math.min(threshold, n);
    FixedPoint fp = new FixedPoint(ring64 ? 64 : 32, 8, 1000);
    SecAggConfig config = new SecAggConfig(inputSeed, n, t, d, fp);
    long[][] inputs = RoundHarness.randomInputs(n, d, fp.ringMask(), new Random(inputSeed));
    Drop[] drops = RoundHarness.nobodyDrops(n);

    SecAggResult result = RoundHarness.run(config, inputs, drops, RANDOM);

    assertThat(result.sum()).containsExactly(RoundHarness.expectedSum(config, inputs, drops));
    assertThat(result.contributors()).hasSize(n);
  }

  @Property(tries = 40)
  void aggregateSurvivesAnyDropoutsThatLeaveThresholdClients(
      @ForAll @IntRange(min = 3, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 64) int d,
      @ForAll long seed) {
    Random r = new Random(seed);
    Drop[] drops = new Drop[n];
    int finishers = 0;
    for (int u = 0; u < n; u++) {
      drops[u] = Drop.values()[r.nextInt(Drop.values().length)];
      finishers += drops[u] == Drop.NEVER ? 1 : 0;
    }
    if (finishers < 2) {
      drops[0] = Drop.NEVER;
      drops[1] = Drop.NEVER;
      finishers = 2 + (int) Arrays.stream(drops).skip(2).filter(x -> x == Drop.NEVER).count();
    }
    int t = 2 + r.nextInt(finishers - 1); // 2..finishers
    FixedPoint fp = new FixedPoint(64, 16, 1 << 20);
    SecAggConfig config = new SecAggConfig(seed, n, t, d, fp);
    long[][] inputs = RoundHarness.randomInputs(n, d, fp.ringMask(), r);

    SecAggResult result = RoundHarness.run(config, inputs, drops, RANDOM);

    assertThat(result.sum()).containsExactly(RoundHarness.expectedSum(config, inputs, drops));
    int[] included =
        java.util.stream.IntStream.rangeClosed(1, n)
            .filter(u -> drops[u - 1] == Drop.NEVER || drops[u - 1] == Drop.BEFORE_UNMASKING)
            .toArray();
    assertThat(result.contributors()).containsExactly(included);
  }

  @Test
  void thirtyPercentDropAfterMaskedInputAndSomeBeforeIt() {
    int n = 20;
    int d = 1000;
    FixedPoint fp = new FixedPoint(32, 10, 4.0);
    SecAggConfig config = new SecAggConfig(7, n, 10, d, fp);
    Drop[] drops = RoundHarness.nobodyDrops(n);
    for (int u : new int[] {2, 5, 9, 13, 17, 20}) { // 30% after sending masked input
      drops[u - 1] = Drop.BEFORE_UNMASKING;
    }
    drops[3 - 1] = Drop.BEFORE_MASKED_INPUT;
    drops[11 - 1] = Drop.BEFORE_MASKED_INPUT;
    drops[15 - 1] = Drop.BEFORE_SHARING;
    drops[19 - 1] = Drop.BEFORE_ADVERTISING;
    long[][] inputs = RoundHarness.randomInputs(n, d, fp.ringMask(), new Random(1));

    SecAggResult result = RoundHarness.run(config, inputs, drops, RANDOM);

    assertThat(result.sum()).containsExactly(RoundHarness.expectedSum(config, inputs, drops));
    assertThat(result.contributors())
        .containsExactly(1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20);
  }

  @Test
  void decodedSumIsWithinTheFixedPointErrorBound() {
    int n = 12;
    int d = 5000;
    int fractionalBits = 16;
    double clip = 2.0;
    FixedPoint fp = new FixedPoint(32, fractionalBits, clip);
    SecAggConfig config = new SecAggConfig(99, n, 7, d, fp);
    Random r = new Random(3);
    double[][] real = new double[n][d];
    double[] plain = new double[d];
    for (int u = 0; u < n; u++) {
      for (int i = 0; i < d; i++) {
        real[u][i] = (r.nextDouble() * 2 - 1) * clip;
        plain[i] += real[u][i];
      }
    }
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] clients = new SecAggClient[n];
    for (int u = 0; u < n; u++) {
      clients[u] = new SecAggClient(config, u + 1, RANDOM);
      server.receiveAdvertiseKeys(clients[u].advertiseKeys());
    }
    KeyDirectory dir = server.closeAdvertising();
    for (SecAggClient c : clients) {
      server.receiveEncryptedShares(c.shareKeys(dir));
    }
    var deliveries = server.closeSharing();
    for (int u = 0; u < n; u++) {
      server.receiveMaskedInput(clients[u].maskInput(deliveries.get(u), real[u]));
    }
    UnmaskRequest req = server.closeMaskedInput();
    for (SecAggClient c : clients) {
      server.receiveUnmaskResponse(c.unmask(req));
    }
    double[] decoded = server.finish().decodedSum();

    double bound = n * Math.scalb(1.0, -(fractionalBits + 1)) + 1e-9;
    for (int i = 0; i < d; i++) {
      assertThat(Math.abs(decoded[i] - plain[i])).isLessThanOrEqualTo(bound);
    }
  }

  @Test
  void fewerThanThresholdSurvivorsAbortsCleanlyAtEveryStage() {
    int n = 6;
    int t = 4;
    FixedPoint fp = new FixedPoint(64, 8, 10);
    for (Drop stage :
        new Drop[] {
          Drop.BEFORE_ADVERTISING, Drop.BEFORE_SHARING, Drop.BEFORE_MASKED_INPUT,
          Drop.BEFORE_UNMASKING
        }) {
      SecAggConfig config = new SecAggConfig(5, n, t, 8, fp);
      Drop[] drops = RoundHarness.nobodyDrops(n);
      drops[0] = stage;
      drops[1] = stage;
      drops[2] = stage; // 3 of 6 left, threshold 4
      long[][] inputs = RoundHarness.randomInputs(n, 8, fp.ringMask(), new Random(2));
      assertThatThrownBy(() -> RoundHarness.run(config, inputs, drops, RANDOM))
          .as("drop %s", stage)
          .isInstanceOf(SecAggException.class)
          .hasMessageContaining("only 3")
          .hasMessageContaining("fewer than the threshold 4");
    }
  }

  @Test
  void abortedServerRejectsEverythingAfterwards() {
    FixedPoint fp = new FixedPoint(64, 8, 10);
    SecAggConfig config = new SecAggConfig(5, 5, 3, 4, fp);
    SecAggServer server = new SecAggServer(config);
    SecAggClient c1 = new SecAggClient(config, 1, RANDOM);
    server.receiveAdvertiseKeys(c1.advertiseKeys());
    assertThatThrownBy(server::closeAdvertising).hasMessageContaining("only 1");
    assertThat(server.phase()).isEqualTo(SecAggServer.Phase.ABORTED);
    SecAggClient c2 = new SecAggClient(config, 2, RANDOM);
    assertThatThrownBy(() -> server.receiveAdvertiseKeys(c2.advertiseKeys()))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("aborted");
  }
}
