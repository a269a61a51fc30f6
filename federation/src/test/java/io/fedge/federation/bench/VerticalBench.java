package io.fedge.federation.bench;

import io.fedge.federation.crypto.paillier.Ciphertext;
import io.fedge.federation.crypto.paillier.FixedBaseNoise;
import io.fedge.federation.crypto.paillier.ModArith;
import io.fedge.federation.crypto.paillier.NoiseMode;
import io.fedge.federation.crypto.paillier.PaillierKeyPair;
import io.fedge.federation.crypto.paillier.PaillierPrivateKey;
import io.fedge.federation.crypto.paillier.PaillierPublicKey;
import io.fedge.federation.vertical.BoostGuest;
import io.fedge.federation.vertical.BoostHost;
import io.fedge.federation.vertical.CentralGbdt;
import io.fedge.federation.vertical.FateSplit;
import io.fedge.federation.vertical.GuestTable;
import io.fedge.federation.vertical.TreeConfig;
import io.fedge.federation.vertical.InMemoryTransport;
import io.fedge.federation.vertical.LrArbiter;
import io.fedge.federation.vertical.LrConfig;
import io.fedge.federation.vertical.LrGuest;
import io.fedge.federation.vertical.LrHost;
import io.fedge.federation.vertical.PartyTable;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Not a test: benchmarks of the vertical protocols, each against a baseline measured in the same run.
 *
 * <ul>
 *   <li>{@code paillier [bits]}: ops/s of noise generation (public key and key holder's CRT),
 *       decryption and homomorphic addition, with GMP (jnagmp) and with BigInteger; then classic
 *       against fixed-base (DJN) noise in the same run, one thread and all cores.
 *   <li>{@code lr [rows] [guestFeatures] [hostFeatures] [epochs] [batch]}: vertical LR time per epoch
 *       in FATE's benchmark shape (synthetic), against plain centralised mini-batch LR epochs on the
 *       same joined data.
 *   <li>{@code trees [bits] [trees] [noise]}: SecureBoost-style trees on default_credit
 *       (examples/data/fate), time per tree, against the same trees grown centrally in plaintext;
 *       noise {@code fixed_base} (default), {@code classic}, or {@code both} (classic, then fixed-base,
 *       in the same run).
 * </ul>
 * Run from the federation module: {@code java -Djna.tmpdir=target/jna -cp target/classes:target/test-classes:<deps>
 * io.fedge.federation.bench.VerticalBench paillier 2048}.
 */
public final class VerticalBench {
  private VerticalBench() {}

  public static void main(String[] args) {
    String what = args.length > 0 ? args[0] : "all";
    System.out.printf("VerticalBench %s, %d cores, Java %s%n", what, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.version"));
    if (what.equals("paillier") || what.equals("all")) {
      paillier(args.length > 1 && what.equals("paillier") ? Integer.parseInt(args[1]) : 2048);
    }
    if (what.equals("trees") || what.equals("all")) {
      String noise = args.length > 3 && what.equals("trees") ? args[3] : "fixed_base";
      int bits = args.length > 1 && what.equals("trees") ? Integer.parseInt(args[1]) : 2048;
      int count = args.length > 2 && what.equals("trees") ? Integer.parseInt(args[2]) : 2;
      if (noise.equals("both")) {
        double classic = trees(bits, count, NoiseMode.CLASSIC);
        double fast = trees(bits, count, NoiseMode.FIXED_BASE);
        System.out.printf("| ratio classic / fixed-base, vertical total per tree | %.2f |%n", classic / fast);
      } else {
        trees(bits, count, NoiseMode.valueOf(noise.toUpperCase(java.util.Locale.ROOT)));
      }
    }
    if (what.equals("lr") || what.equals("all")) {
      int rows = arg(args, 1, 100_000);
      lr(rows, arg(args, 2, 30), arg(args, 3, 300), arg(args, 4, 3), arg(args, 5, 1024));
    }
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i && args[0].equals("lr") ? Integer.parseInt(args[i]) : fallback;
  }

  static void paillier(int bits) {
    SecureRandom rng = new SecureRandom();
    PaillierPrivateKey key = PaillierKeyPair.generate(bits, rng);
    PaillierPublicKey pk = key.publicKey();
    List<ModArith> ariths = new ArrayList<>();
    ariths.add(ModArith.bigInteger());
    try {
      ariths.add(ModArith.gmp());
    } catch (IllegalStateException e) {
      System.out.println("GMP unavailable: " + e.getMessage());
    }
    System.out.printf("Paillier-%d, one thread, ops/s%n", bits);
    System.out.println("| arithmetic | r^n mod n^2 (public key) | r^n via CRT (key holder) | decrypt (CRT) | hom. add |");
    System.out.println("|---|---|---|---|---|");
    for (ModArith a : ariths) {
      rate(() -> pk.freshNoise(rng, a), 0.5); // warm-up
      double pub = rate(() -> pk.freshNoise(rng, a), 3);
      double crt = rate(() -> key.freshNoise(rng, a), 3);
      Ciphertext c = pk.encrypt(BigInteger.valueOf(12345), key.freshNoise(rng, a));
      double dec = rate(() -> key.decrypt(c, a), 3);
      Ciphertext d = pk.encrypt(BigInteger.valueOf(1), key.freshNoise(rng, a));
      double add = rate(() -> pk.add(c, d), 2);
      System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f |%n", a.name(), pub, crt, dec, add);
    }
    noiseModes(key, rng);
  }

  /** Classic noise (best arithmetic) against fixed-base noise, same key, same run. */
  static void noiseModes(PaillierPrivateKey key, SecureRandom rng) {
    PaillierPublicKey pk = key.publicKey();
    ModArith best = ModArith.best();
    long t0 = System.nanoTime();
    FixedBaseNoise holder = FixedBaseNoise.forKeyHolder(key, rng, best);
    double holderTable = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    FixedBaseNoise pub = FixedBaseNoise.forPublicKey(pk, rng, best);
    double pubTable = (System.nanoTime() - t0) / 1e9;
    rate(() -> holder.next(rng), 0.5); // warm-up
    rate(() -> pub.next(rng), 0.5);
    double classicPub = rate(() -> pk.freshNoise(rng, best), 3);
    double classicCrt = rate(() -> key.freshNoise(rng, best), 3);
    double fullCrt = rate(() -> key.nthPower(pk.n().subtract(BigInteger.TWO), best), 3); // r^n, n mod p(p-1)
    double fastPub = rate(() -> pub.next(rng), 3);
    double fastCrt = rate(() -> holder.next(rng), 3);
    int cores = Runtime.getRuntime().availableProcessors();
    double classicPar = parallelRate(() -> key.freshNoise(rng, best), 4);
    double fastPar = parallelRate(() -> holder.next(rng), 4);
    System.out.printf("%nNoise r^n mod n^2, Paillier-%d, %s, ops/s (fixed-base: %d-bit exponents, %d-bit windows;"
        + " tables built in %.2f s key holder, %.2f s public key)%n", pk.bits(), best.name(), holder.exponentBits(),
        FixedBaseNoise.DEFAULT_WINDOW_BITS, holderTable, pubTable);
    System.out.println("| noise | public key, 1 thread | key holder (CRT), 1 thread | key holder, " + cores
        + " threads |");
    System.out.println("|---|---|---|---|");
    System.out.printf("| classic, key holder with exponent n mod p(p-1) (before) | | %.0f | |%n", fullCrt);
    System.out.printf("| classic r^n | %.0f | %.0f | %.0f |%n", classicPub, classicCrt, classicPar);
    System.out.printf("| fixed-base h_s^a | %.0f | %.0f | %.0f |%n", fastPub, fastCrt, fastPar);
    System.out.printf("| ratio fixed-base / classic | %.1f | %.1f | %.1f |%n", fastPub / classicPub,
        fastCrt / classicCrt, fastPar / classicPar);
  }

  /** ops/s of {@code op} on all cores (a parallel stream, as the guest encrypts). */
  private static double parallelRate(Runnable op, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
    java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors()).parallel().forEach(i -> {
      while (System.nanoTime() < end) {
        op.run();
        n.incrementAndGet();
      }
    });
    return n.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static double rate(Runnable op, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    int n = 0;
    while (System.nanoTime() < end) {
      op.run();
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  static double trees(int bits, int numTrees, NoiseMode noise) {
    FateSplit data;
    try {
      data = FateSplit.load("default_credit", 0.25, 11L);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("run from the repository (examples/data/fate)", e);
    }
    TreeConfig config = TreeConfig.of(numTrees, 3, 0.3, 32).withKeyBits(bits);
    InMemoryTransport t = new InMemoryTransport();
    t.recordDeliveries(false);
    BoostGuest guest = new BoostGuest("guest", "bench", config, data.guestTrain(), List.of("host"),
        t.outbox("guest"), ModArith.best());
    guest.useNoise(noise);
    BoostHost host = new BoostHost("host", "guest", data.hostTrain(), t.outbox("host"));
    t.register(guest);
    t.register(host);
    long s0 = System.nanoTime();
    guest.start();
    t.runUntilIdle();
    double total = (System.nanoTime() - s0) / 1e9;
    double enc = guest.encryptNanos() / 1e9;
    // Baseline: the same trees grown centrally in plaintext on the joined rows (same binning rule).
    double[][] joined = FateSplit.joined(data.guestTrain(), data.hostTrain());
    long c0 = System.nanoTime();
    new CentralGbdt(joined, data.guestTrain().labels(), numTrees, 3, 0.3, 32, 1.0, 1e-3);
    double central = (System.nanoTime() - c0) / 1e9;
    int rows = data.guestTrain().features().rowCount();
    System.out.printf("Vertical trees on default_credit: %d training rows, 13 guest + 10 host features, depth 3, "
        + "32 bins, Paillier-%d (%s), %s noise, %d trees, %d threads%n", rows, bits, ModArith.best().name(),
        noise, numTrees, Runtime.getRuntime().availableProcessors());
    System.out.printf("| measure | seconds per tree |%n|---|---|%n| vertical, total | %.1f |%n"
        + "| of which guest encryption of %d packed (g, h) | %.1f |%n| centralised GBDT (baseline) | %.3f |%n"
        + "| ratio vertical / central | %.0f |%n", total / numTrees, rows, enc / numTrees, central / numTrees,
        total / central);
    return total / numTrees;
  }

  static void lr(int rows, int guestFeatures, int hostFeatures, int epochs, int batch) {
    Random r = new Random(1);
    double[] trueW = new double[guestFeatures + hostFeatures];
    for (int j = 0; j < trueW.length; j++) {
      trueW[j] = r.nextGaussian() * 0.3;
    }
    List<String> ids = new ArrayList<>();
    double[][] g = new double[rows][guestFeatures];
    double[][] h = new double[rows][hostFeatures];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      ids.add("c" + i);
      double z = 0;
      for (int j = 0; j < guestFeatures; j++) {
        g[i][j] = r.nextGaussian();
        z += g[i][j] * trueW[j];
      }
      for (int j = 0; j < hostFeatures; j++) {
        h[i][j] = r.nextGaussian();
        z += h[i][j] * trueW[guestFeatures + j];
      }
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    List<String> gNames = new ArrayList<>();
    for (int j = 0; j < guestFeatures; j++) {
      gNames.add("g" + j);
    }
    List<String> hNames = new ArrayList<>();
    for (int j = 0; j < hostFeatures; j++) {
      hNames.add("h" + j);
    }
    GuestTable guestData = new GuestTable(new PartyTable(ids, gNames, g), y);
    PartyTable hostData = new PartyTable(ids, hNames, h);

    // Baseline: plain centralised mini-batch LR (same batches, Adam, exact sigmoid) on the joined rows.
    double[][] joined = new double[rows][];
    for (int i = 0; i < rows; i++) {
      joined[i] = new double[guestFeatures + hostFeatures + 1];
      System.arraycopy(g[i], 0, joined[i], 0, guestFeatures);
      System.arraycopy(h[i], 0, joined[i], guestFeatures, hostFeatures);
      joined[i][guestFeatures + hostFeatures] = 1;
    }
    centralEpoch(joined, y, batch); // warm-up
    long c0 = System.nanoTime();
    for (int e = 0; e < epochs; e++) {
      centralEpoch(joined, y, batch);
    }
    double central = (System.nanoTime() - c0) / 1e9 / epochs;

    LrConfig config = new LrConfig(epochs, batch, 0.01, 1e-4, "adam", 0.0, 1, 0, 16, 1L);
    InMemoryTransport t = new InMemoryTransport();
    t.recordDeliveries(false);
    LrArbiter arbiter = new LrArbiter("hub", "bench", config, "guest", List.of("host"), t.outbox("hub"),
        new SecureRandom());
    t.register(arbiter);
    t.register(new LrGuest("guest", "hub", guestData, t.outbox("guest")));
    t.register(new LrHost("host", "hub", hostData, t.outbox("host")));
    long s0 = System.nanoTime();
    arbiter.start();
    t.runUntilIdle();
    double total = (System.nanoTime() - s0) / 1e9;
    System.out.printf("Vertical LR, %d rows, %d guest + %d host features, batch %d, %d epochs (one thread, "
        + "in-memory transport, setup incl. masked-feature exchange included in the total)%n", rows,
        guestFeatures, hostFeatures, batch, epochs);
    System.out.printf("| measure | seconds |%n|---|---|%n| vertical LR, total for %d epochs incl. setup | %.2f |%n"
        + "| vertical LR per epoch (total / epochs) | %.2f |%n| centralised LR per epoch (baseline) | %.3f |%n"
        + "| ratio vertical / central | %.1f |%n", epochs, total, total / epochs, central, total / epochs / central);
  }

  private static void centralEpoch(double[][] x, int[] y, int batch) {
    int d = x[0].length;
    double[] w = new double[d];
    double[] grad = new double[d];
    for (int start = 0; start < x.length; start += batch) {
      int end = Math.min(x.length, start + batch);
      java.util.Arrays.fill(grad, 0);
      for (int i = start; i < end; i++) {
        double z = 0;
        for (int j = 0; j < d; j++) {
          z += x[i][j] * w[j];
        }
        double err = 1 / (1 + Math.exp(-z)) - y[i];
        for (int j = 0; j < d; j++) {
          grad[j] += err * x[i][j];
        }
      }
      for (int j = 0; j < d; j++) {
        w[j] -= 0.01 * grad[j] / (end - start);
      }
    }
  }
}
