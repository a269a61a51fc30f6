package io.fedge.federation.ledger;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * Not a test: a rough timing of the ledger at a million entries. Run after {@code mvn verify} with
 * {@code java -cp federation/target/classes:federation/target/test-classes
 * io.fedge.federation.ledger.LedgerBench [leaves]}.
 */
public final class LedgerBench {
  public static void main(String[] args) throws ProofException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int queries = 2_000;
    byte[][] leaves = new byte[n][];
    MemorySubtreeCache cache = new MemorySubtreeCache(4);
    CompactRange range = new CompactRange();
    ByteBuffer entry = ByteBuffer.allocate(64);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      entry.clear();
      entry.putLong(i).putLong(i * 31L);
      leaves[i] = Rfc9162.leafHash(entry.array());
      range.append(leaves[i], cache);
    }
    long t1 = System.nanoTime();
    byte[] root = range.root();
    System.out.printf("append (leaf hash + compact range + cache): %d leaves in %.2f s = %.0f appends/s%n",
        n, secs(t1 - t0), n / secs(t1 - t0));

    HashSource source = HashSource.of(leaves);
    Proofs cached = new Proofs(source, cache);
    Random rnd = new Random(1);
    long bytes = 0;
    int maxLen = 0;
    long t2 = System.nanoTime();
    for (int q = 0; q < queries; q++) {
      long index = rnd.nextInt(n);
      List<byte[]> p = cached.inclusionProof(index, n);
      bytes += 32L * p.size();
      maxLen = Math.max(maxLen, p.size());
      ProofVerifier.verifyInclusion(index, n, leaves[(int) index], p, root);
    }
    long t3 = System.nanoTime();
    System.out.printf("inclusion (cached, generate + verify): %.1f us each; proof %d bytes avg, %d max%n",
        secs(t3 - t2) * 1e6 / queries, bytes / queries, maxLen * 32);

    byte[] oldRoots = null;
    long cbytes = 0;
    int cmax = 0;
    long t4 = System.nanoTime();
    for (int q = 0; q < queries; q++) {
      int old = 1 + rnd.nextInt(n - 1);
      List<byte[]> p = cached.consistencyProof(old, n);
      cbytes += 32L * p.size();
      cmax = Math.max(cmax, p.size());
      oldRoots = cached.root(old);
      ProofVerifier.verifyConsistency(old, n, oldRoots, root, p);
    }
    long t5 = System.nanoTime();
    System.out.printf("consistency (cached, generate + old root + verify): %.1f us each; proof %d bytes avg, %d max%n",
        secs(t5 - t4) * 1e6 / queries, cbytes / queries, cmax * 32);

    List<byte[]> p = cached.inclusionProof(n / 3, n);
    long t6 = System.nanoTime();
    for (int q = 0; q < queries; q++) {
      ProofVerifier.verifyInclusion(n / 3, n, leaves[n / 3], p, root);
    }
    long t7 = System.nanoTime();
    System.out.printf("inclusion verify only: %.1f us each%n", secs(t7 - t6) * 1e6 / queries);

    Proofs uncached = new Proofs(source, SubtreeCache.none());
    int slow = 5;
    long t8 = System.nanoTime();
    for (int q = 0; q < slow; q++) {
      uncached.inclusionProof(rnd.nextInt(n), n);
    }
    long t9 = System.nanoTime();
    System.out.printf("inclusion (no cache, rehash from leaf hashes): %.1f ms each%n", secs(t9 - t8) * 1e3 / slow);
    System.out.printf("compact range state: %d bytes; root %s%n", range.toBytes().length,
        java.util.Base64.getEncoder().encodeToString(root));
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }
}
