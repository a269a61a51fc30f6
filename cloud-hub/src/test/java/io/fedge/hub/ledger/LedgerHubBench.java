package io.fedge.hub.ledger;

import io.fedge.federation.ledger.CompactRange;
import io.fedge.federation.ledger.HashSource;
import io.fedge.federation.ledger.MemorySubtreeCache;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.ProofException;
import io.fedge.federation.ledger.ProofVerifier;
import io.fedge.federation.ledger.Proofs;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: the hub ledger on its real store. For one database URL (default: a fresh SQLite
 * file) it appends N entries in batches, then times proofs read from the database at that size,
 * each against a baseline measured in the same run:
 *
 * <ul>
 *   <li>appends: against plain batched INSERTs of the same rows into a table without hashing,
 *       subtree roots or the writer lock;
 *   <li>proofs: against the same proofs from an in-memory leaf array and subtree cache.
 * </ul>
 *
 * Run after {@code mvn -pl cloud-hub -am test-compile}: {@code java -cp <test classpath>
 * io.fedge.hub.ledger.LedgerHubBench [entries] [jdbc-url]}.
 */
public final class LedgerHubBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String url;
    Path tmp = null;
    if (args.length > 1) {
      url = args[1];
    } else {
      tmp = Files.createTempDirectory("ledger-bench");
      url = "jdbc:sqlite:" + tmp.resolve("hub.db");
    }
    int batch = 1000;
    try (Database db = Database.open(url)) {
      Migrations.migrateToLatest(db);
      db.inTransaction(c -> {
        try (var st = c.createStatement()) {
          st.execute("DROP TABLE IF EXISTS bench_plain");
          st.execute("CREATE TABLE bench_plain (idx BIGINT PRIMARY KEY, entry_type TEXT, entry TEXT, leaf_hash TEXT, dedupe_key TEXT, appended_at BIGINT)");
        }
        return null;
      });
      HubLedger ledger = new HubLedger(new LedgerStore(db), NoteSigner.generate("bench.example/ledger"), Clock.systemUTC());
      System.out.printf("database: %s, %d entries, batches of %d%n", db.dialect(), n, batch);

      // Baseline: the same number of rows of the same size, plain batched inserts.
      String sample = new String(io.fedge.federation.ledger.LedgerEntry.of(EntryTypes.ROUND_DIGEST, java.time.Instant.now(),
          List.of("dev-000001"), body(0)).encode(), java.nio.charset.StandardCharsets.UTF_8);
      long b0 = System.nanoTime();
      for (int start = 0; start < n; start += batch) {
        final int s0 = start;
        db.inTransaction(c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_plain VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = s0; i < Math.min(n, s0 + batch); i++) {
              ps.setLong(1, i);
              ps.setString(2, "round-digest");
              ps.setString(3, sample);
              ps.setString(4, "0".repeat(64));
              ps.setString(5, null);
              ps.setLong(6, 0);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
      }
      double plainSecs = (System.nanoTime() - b0) / 1e9;
      System.out.printf("baseline plain batched INSERT: %.0f rows/s (%d bytes per entry)%n", n / plainSecs, sample.length());

      long t0 = System.nanoTime();
      for (int start = 0; start < n; start += batch) {
        List<Ledger.Append> appends = new ArrayList<>(batch);
        for (int i = start; i < Math.min(n, start + batch); i++) {
          appends.add(new Ledger.Append(EntryTypes.ROUND_DIGEST, body(i), List.of("dev-" + String.format("%06d", i % 1000))));
        }
        ledger.appendAll(appends);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("ledger appendAll (canonical JSON, leaf hash, subtree roots, recipients, one tx per batch): %.0f entries/s = %.2fx the plain INSERT rate%n",
          n / secs, (n / secs) / (n / plainSecs));

      int single = 500;
      long s0 = System.nanoTime();
      for (int i = 0; i < single; i++) {
        ledger.append(EntryTypes.ROUND_DIGEST, body(n + i), List.of());
      }
      double singleRate = single / ((System.nanoTime() - s0) / 1e9);
      System.out.printf("ledger append one by one (one tx each): %.0f entries/s = %.3fx the batched rate%n", singleRate, singleRate / (n / secs));
      long size = ledger.size();

      long c0 = System.nanoTime();
      var cp = ledger.checkpoint();
      System.out.printf("checkpoint (root from stored subtrees + Ed25519 sign + store): %.1f ms%n", (System.nanoTime() - c0) / 1e6);

      // In-memory baseline over the same leaves.
      byte[][] leaves = new byte[(int) size][];
      long next = 0;
      while (next < size) {
        var page = ledger.store().entries(next, 10_000);
        for (var e : page) {
          leaves[(int) e.index()] = e.leafHash();
        }
        next = page.get(page.size() - 1).index() + 1;
      }
      MemorySubtreeCache mem = new MemorySubtreeCache(LedgerStore.CACHE_MIN_LEVEL);
      CompactRange r = new CompactRange();
      for (byte[] l : leaves) {
        r.append(l, mem);
      }
      Proofs inMemory = new Proofs(HashSource.of(leaves), mem);
      if (!java.util.Arrays.equals(r.root(), cp.rootHash())) {
        throw new IllegalStateException("stored root differs from the recomputed one");
      }

      Random rnd = new Random(7);
      int q = 300;
      long bytes = 0;
      int max = 0;
      long[] idx = new long[q];
      for (int i = 0; i < q; i++) {
        idx[i] = (long) (rnd.nextDouble() * size);
      }
      long p0 = System.nanoTime();
      List<List<byte[]>> proofs = new ArrayList<>();
      for (long i : idx) {
        List<byte[]> p = ledger.inclusionProof(i, size);
        proofs.add(p);
        bytes += 32L * p.size();
        max = Math.max(max, p.size() * 32);
      }
      double dbUs = (System.nanoTime() - p0) / 1e3 / q;
      long m0 = System.nanoTime();
      for (long i : idx) {
        inMemory.inclusionProof(i, size);
      }
      double memUs = (System.nanoTime() - m0) / 1e3 / q;
      long v0 = System.nanoTime();
      for (int k = 0; k < q; k++) {
        ProofVerifier.verifyInclusion(idx[k], size, leaves[(int) idx[k]], proofs.get(k), cp.rootHash());
      }
      double verifyUs = (System.nanoTime() - v0) / 1e3 / q;
      System.out.printf("inclusion proof from the database at %d: %.0f us (%.1fx the in-memory %.1f us); verify %.1f us; proof %d bytes avg, %d max%n",
          size, dbUs, dbUs / memUs, memUs, verifyUs, bytes / q, max);

      long cbytes = 0;
      int cmax = 0;
      long k0 = System.nanoTime();
      List<long[]> pairs = new ArrayList<>();
      List<List<byte[]>> cproofs = new ArrayList<>();
      for (int i = 0; i < q; i++) {
        long old = 1 + (long) (rnd.nextDouble() * (size - 1));
        List<byte[]> p = ledger.consistencyProof(old, size);
        pairs.add(new long[] {old});
        cproofs.add(p);
        cbytes += 32L * p.size();
        cmax = Math.max(cmax, p.size() * 32);
      }
      double cDbUs = (System.nanoTime() - k0) / 1e3 / q;
      List<byte[]> oldRoots = new ArrayList<>();
      for (long[] p : pairs) {
        oldRoots.add(inMemory.root(p[0]));
      }
      long kv = System.nanoTime();
      for (int i = 0; i < q; i++) {
        ProofVerifier.verifyConsistency(pairs.get(i)[0], size, oldRoots.get(i), cp.rootHash(), cproofs.get(i));
      }
      double cVerifyUs = (System.nanoTime() - kv) / 1e3 / q;
      System.out.printf("consistency proof from the database to %d: %.0f us; verify %.1f us; proof %d bytes avg, %d max%n",
          size, cDbUs, cVerifyUs, cbytes / q, cmax);
      db.inTransaction(c -> {
        try (var st = c.createStatement()) {
          st.execute("DROP TABLE bench_plain");
        }
        return null;
      });
    } catch (ProofException e) {
      throw new IllegalStateException("a proof from the store did not verify: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try (var files = Files.walk(tmp)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  static Map<String, Object> body(int i) {
    return Map.of("jobId", "job-" + (i / 100), "round", i % 100, "aggregateHash", "sha256:" + Integer.toHexString(i * 31 + 7).repeat(4));
  }
}
