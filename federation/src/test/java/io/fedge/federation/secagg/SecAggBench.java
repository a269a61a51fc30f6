package io.fedge.federation.secagg;

import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * Not a test: times one in-memory round per scenario (default 100 clients, 100,000 coordinates,
 * threshold 51) phase by phase, against plain summation of the same inputs. Clients run one after
 * another on this thread, so per-client times are averages over the clients.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:<bcprov jar>
 * io.fedge.federation.secagg.SecAggBench [n] [d] [t]}
 */
public final class SecAggBench {
  private SecAggBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int t = args.length > 2 ? Integer.parseInt(args[2]) : n / 2 + 1;
    Random r = new Random(1);
    double[][] inputs = new double[n][d];
    for (double[] x : inputs) {
      for (int i = 0; i < d; i++) {
        x[i] = r.nextGaussian() * 0.1;
      }
    }
    System.out.printf("SecAggBench n=%d d=%d t=%d, ring 2^32, %d cores, %s%n", n, d, t,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    round(inputs, t, 0.0, false); // warm-up
    round(inputs, t, 0.0, true);
    round(inputs, t, 0.1, true);
  }

  private static void round(double[][] inputs, int t, double dropBeforeMask, boolean print) {
    int n = inputs.length;
    int d = inputs[0].length;
    FixedPoint fp = new FixedPoint(32, 16, 8.0);
    SecAggConfig config = new SecAggConfig(1, n, t, d, fp);
    SecureRandom random = new SecureRandom();
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] c = new SecAggClient[n];
    long[] clientNs = new long[4];
    long[] serverNs = new long[4];

    long t0 = System.nanoTime();
    for (int u = 0; u < n; u++) {
      c[u] = new SecAggClient(config, u + 1, random);
      long a = System.nanoTime();
      AdvertiseKeys m = c[u].advertiseKeys();
      long b = System.nanoTime();
      server.receiveAdvertiseKeys(m);
      clientNs[0] += b - a;
      serverNs[0] += System.nanoTime() - b;
    }
    long a = System.nanoTime();
    KeyDirectory dir = server.closeAdvertising();
    serverNs[0] += System.nanoTime() - a;

    for (SecAggClient client : c) {
      a = System.nanoTime();
      EncryptedShares m = client.shareKeys(dir);
      long b = System.nanoTime();
      server.receiveEncryptedShares(m);
      clientNs[1] += b - a;
      serverNs[1] += System.nanoTime() - b;
    }
    a = System.nanoTime();
    List<ShareDelivery> deliveries = server.closeSharing();
    serverNs[1] += System.nanoTime() - a;

    int dropped = (int) Math.round(n * dropBeforeMask);
    int maskers = n - dropped;
    for (int u = 0; u < maskers; u++) {
      a = System.nanoTime();
      MaskedInput m = c[u].maskInput(deliveries.get(u), inputs[u]);
      long b = System.nanoTime();
      server.receiveMaskedInput(m);
      clientNs[2] += b - a;
      serverNs[2] += System.nanoTime() - b;
    }
    a = System.nanoTime();
    UnmaskRequest req = server.closeMaskedInput();
    serverNs[2] += System.nanoTime() - a;

    for (int u = 0; u < maskers; u++) {
      a = System.nanoTime();
      UnmaskResponse m = c[u].unmask(req);
      long b = System.nanoTime();
      server.receiveUnmaskResponse(m);
      clientNs[3] += b - a;
      serverNs[3] += System.nanoTime() - b;
    }
    a = System.nanoTime();
    SecAggResult result = server.finish();
    double[] secure = result.decodedSum();
    serverNs[3] += System.nanoTime() - a;
    long total = System.nanoTime() - t0;

    // baseline: the server adds the plain inputs of the same clients
    // (best of 5 runs, as the single run is noisy)
    long plainNs = Long.MAX_VALUE;
    double[] plain = null;
    for (int rep = 0; rep < 5; rep++) {
      long p0 = System.nanoTime();
      plain = new double[d];
      for (int u = 0; u < maskers; u++) {
        double[] x = inputs[u];
        for (int i = 0; i < d; i++) {
          plain[i] += x[i];
        }
      }
      plainNs = Math.min(plainNs, System.nanoTime() - p0);
    }
    double maxErr = 0;
    for (int i = 0; i < d; i++) {
      maxErr = Math.max(maxErr, Math.abs(plain[i] - secure[i]));
    }
    if (!print) {
      return;
    }
    System.out.printf("%n-- %d of %d clients drop before masked input --%n", dropped, n);
    String[] phases = {"0 advertise keys", "1 share keys", "2 masked input", "3 unmasking"};
    int[] clientsIn = {n, n, maskers, maskers};
    for (int p = 0; p < 4; p++) {
      System.out.printf("%-18s client %9.3f ms/client   server %9.3f ms%n", phases[p],
          clientNs[p] / 1e6 / clientsIn[p], serverNs[p] / 1e6);
    }
    long clientTotal = clientNs[0] + clientNs[1] + clientNs[2] + clientNs[3];
    long serverTotal = serverNs[0] + serverNs[1] + serverNs[2] + serverNs[3];
    System.out.printf("client total %.1f ms/client, server total %.1f ms, whole round %.1f ms%n",
        clientTotal / 1e6 / n, serverTotal / 1e6, total / 1e6);
    System.out.printf("plain summation of %d vectors: %.2f ms; secure server / plain = %.0fx,"
            + " secure round / plain = %.0fx%n", maskers, plainNs / 1e6,
        (double) serverTotal / plainNs, (double) total / plainNs);
    System.out.printf("max |secure - plain| = %.3g (bound %.3g), contributors %d%n", maxErr,
        maskers * Math.scalb(0.5, -16), result.contributors().length);
  }
}
