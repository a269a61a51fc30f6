package io.fedge.federation.bench;

import io.fedge.federation.psi.IdNormalizer;
import io.fedge.federation.psi.InMemoryRelay;
import io.fedge.federation.psi.PsiGuest;
import io.fedge.federation.psi.PsiHost;
import io.fedge.federation.psi.PsiMode;
import io.fedge.federation.psi.PsiProgress;
import io.fedge.federation.psi.PsiSettings;
import io.fedge.federation.psi.ristretto.RistrettoPoint;
import io.fedge.federation.psi.ristretto.Scalar;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: a balanced ECDH PSI of n x n ids (default 1,000,000 x 1,000,000, half shared) between
 * a guest and a host in one process through the in-memory relay (every message encoded and
 * decoded), each party blinding batches on all cores; and, in the same run, the raw rate of
 * ristretto255 variable-base scalar multiplication (decode, multiply, encode) of this package and
 * of curve25519-elisabeth 0.1.0 on one core.
 *
 * <p>Run (from the repository root, after {@code mvn -B -o -pl federation -am test-compile}):
 * {@code java -Xmx6g -cp federation/target/classes:federation/target/test-classes:$HOME/.m2/repository/cafe/cryptography/curve25519-elisabeth/0.1.0/curve25519-elisabeth-0.1.0.jar
 * io.fedge.federation.bench.PsiBench [n] [mode]}
 */
public final class PsiBench {
  private PsiBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    PsiMode mode = args.length > 1 ? PsiMode.valueOf(args[1]) : PsiMode.GUEST_LEARNS;
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("PsiBench n=%d mode=%s cores=%d %s%n", n, mode, cores,
        System.getProperty("java.vm.version"));
    double[] before = rates(40_000);
    System.out.printf("raw 1-core mult/s before: ours %.0f, elisabeth %.0f, ratio %.2f%n",
        before[0], before[1], before[0] / before[1]);

    List<String> guestIds = new ArrayList<>(n);
    List<String> hostIds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      guestIds.add("customer-" + i);
      hostIds.add("customer-" + (i + n / 2)); // half shared
    }
    PsiSettings settings = new PsiSettings(4096, 4, Math.max(n, 1), cores);
    InMemoryRelay relay = new InMemoryRelay(false);
    PsiProgress progress = new PsiProgress() {
      long lastPrint;

      @Override
      public void update(String party, String peer, Phase phase, long done, long total) {
        long now = System.nanoTime();
        if (now - lastPrint > 30_000_000_000L || done == total) {
          lastPrint = now;
          System.out.printf("  %s %s %d/%d%n", party, phase, done, total);
        }
      }
    };
    IdNormalizer norm = IdNormalizer.of("plain");
    long t0 = System.nanoTime();
    PsiGuest guest = new PsiGuest("guest", List.of("host"), "bench", mode, norm, guestIds, settings,
        relay, progress, new SecureRandom());
    PsiHost host = new PsiHost("host", "guest", "bench", mode, norm, hostIds, settings, relay,
        progress, new SecureRandom());
    relay.register(guest);
    relay.register(host);
    long t1 = System.nanoTime();
    guest.start();
    host.start();
    relay.run();
    long t2 = System.nanoTime();
    guest.close();
    host.close();
    if (guest.result().size() != n - n / 2) {
      throw new IllegalStateException("wrong intersection size " + guest.result().size());
    }
    double[] after = rates(40_000);
    double wall = (t2 - t1) / 1e9;
    double perCorePerParty = n / wall; // two parties share the cores: each has cores/2
    double avgOurs = (before[0] + after[0]) / 2;
    double avgTheirs = (before[1] + after[1]) / 2;
    System.out.printf("raw 1-core mult/s after: ours %.0f, elisabeth %.0f, ratio %.2f%n",
        after[0], after[1], after[0] / after[1]);
    System.out.printf("prepare (normalise, dedup) both parties: %.1f s%n", (t1 - t0) / 1e9);
    System.out.printf("PSI wall %.1f s, intersection %d, bytes %d (%.1f MB), messages %d%n", wall,
        guest.result().size(), relay.totalBytes(), relay.totalBytes() / 1e6, relay.messageCount());
    System.out.printf("ids/s per core per party %.0f; ours raw mult/s (avg) %.0f => %.2f mults/id;"
        + " elisabeth raw %.0f%n", perCorePerParty * 2 / cores, avgOurs,
        avgOurs / (perCorePerParty * 2 / cores), avgTheirs);
  }

  /**
   * One-core rates of decode + multiply + encode: [ours, elisabeth]. The two are measured in
   * alternating slices (20 rounds after a warm-up) so that load from other processes hits both
   * alike; each rate is the median of its slices.
   */
  static double[] rates(int ops) throws Exception {
    SecureRandom r = new SecureRandom();
    Scalar s = Scalar.random(r);
    cafe.cryptography.curve25519.Scalar es = cafe.cryptography.curve25519.Scalar.fromBits(s.toBytes());
    byte[] u = new byte[64];
    r.nextBytes(u);
    byte[] enc = RistrettoPoint.fromUniformBytes(u).encode();
    byte[] enc2 = enc;
    int rounds = 20;
    int slice = Math.max(100, ops / rounds);
    double[] ours = new double[rounds];
    double[] theirs = new double[rounds];
    for (int round = -3; round < rounds; round++) { // three warm-up rounds
      long a = System.nanoTime();
      for (int i = 0; i < slice; i++) {
        enc = RistrettoPoint.decode(enc).multiply(s).encode();
      }
      long b = System.nanoTime();
      for (int i = 0; i < slice / 2; i++) {
        enc2 = new cafe.cryptography.curve25519.CompressedRistretto(enc2).decompress().multiply(es)
            .compress().toByteArray();
      }
      long c = System.nanoTime();
      if (round >= 0) {
        ours[round] = slice / ((b - a) / 1e9);
        theirs[round] = (slice / 2) / ((c - b) / 1e9);
      }
    }
    java.util.Arrays.sort(ours);
    java.util.Arrays.sort(theirs);
    return new double[] {ours[rounds / 2], theirs[rounds / 2]};
  }
}
