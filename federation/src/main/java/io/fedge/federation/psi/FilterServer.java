package io.fedge.federation.psi;

import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Done;
import io.fedge.federation.psi.PsiMessages.FilterPublication;
import io.fedge.federation.psi.PsiMessages.Hello;
import io.fedge.federation.psi.PsiMessages.Role;
import io.fedge.federation.psi.PsiMessages.Stage;
import io.fedge.federation.psi.ristretto.Scalar;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The large party of the unbalanced mode. Its secret key k lives as long as its filter (the filter
 * epoch named by {@code filterId}), not one job: {@link #publish()} sends the cuckoo filter of
 * H'(k * H(y)) once, and afterwards it answers any number of small parties' sessions by blinding
 * their points with k (an oblivious PRF). Each session may ask for at most the number of points it
 * announced in its Hello, and at most {@code maxSetSize}.
 */
public final class FilterServer extends PsiParty {
  private final String filterId;
  private final IdNormalizer normalizer;
  private final PreparedSet ids;
  private final Blinder blinder;
  private final Scalar key;
  private final int fingerprintBits;
  private final Map<String, ClientSession> clients = new HashMap<>();
  private FilterPublication publication;
  private int blindedOwn;

  private static final class ClientSession {
    final Hello hello;
    final BitSet seen = new BitSet();

    ClientSession(Hello hello) {
      this.hello = hello;
    }
  }

  public FilterServer(String self, String filterId, IdNormalizer normalizer, List<String> ids,
      int fingerprintBits, PsiSettings settings, PsiTransport transport, PsiProgress progress,
      SecureRandom random) {
    super(self, transport, settings, progress);
    CuckooFilter.checkBits(fingerprintBits);
    this.filterId = requireId(filterId, "filter id");
    this.normalizer = normalizer;
    this.ids = PreparedSet.of(ids, normalizer, settings.maxSetSize());
    this.blinder = new Blinder(filterId, settings.parallelism());
    this.key = Scalar.random(random);
    this.fingerprintBits = fingerprintBits;
  }

  /**
   * A server for a filter published before (its key and publication kept by the large party): it
   * answers small parties' sessions with the same key and re-sends the same filter, without hashing
   * or blinding its own set again.
   *
   * @param key the filter epoch's secret key, as {@link #keyBytes()} returned it
   */
  public static FilterServer resume(String self, FilterPublication publication, byte[] key, PsiSettings settings,
      PsiTransport transport, PsiProgress progress) {
    if (!self.equals(publication.from())) {
      throw new PsiException(PsiException.Code.FILTER_INVALID,
          "the kept filter was published by " + publication.from() + ", not by " + self);
    }
    return new FilterServer(self, publication, Scalar.fromCanonicalBytes(key), settings, transport, progress);
  }

  private FilterServer(String self, FilterPublication publication, Scalar key, PsiSettings settings,
      PsiTransport transport, PsiProgress progress) {
    super(self, transport, settings, progress);
    CuckooFilter.checkBits(publication.fingerprintBits());
    this.filterId = requireId(publication.session(), "filter id");
    this.normalizer = IdNormalizer.of(publication.normalization());
    this.ids = null;
    this.blinder = new Blinder(filterId, settings.parallelism());
    this.key = key;
    this.fingerprintBits = publication.fingerprintBits();
    this.publication = publication;
  }

  /** The filter epoch's secret key (32 bytes, little endian): keep it secret, as long as the filter is in use. */
  public byte[] keyBytes() {
    return key.toBytes();
  }

  /** How many of its own ids this server hashed and blinded (0 for a {@link #resume resumed} server). */
  public int blindedOwnIds() {
    return blindedOwn;
  }

  /** Builds the filter (in batches, with progress) and sends it to {@code *}; returns it too. */
  public FilterPublication publish() {
    if (publication == null) {
      int n = ids.size();
      long[] hashes = new long[n];
      int[] fps = new int[n];
      int[] identity = new int[n];
      for (int i = 0; i < n; i++) {
        identity[i] = i;
      }
      ThreadLocal<MessageDigest> sha = ThreadLocal.withInitial(CuckooFilter::sha256);
      for (int from = 0; from < n; from += settings.batchSize()) {
        int to = Math.min(n, from + settings.batchSize());
        byte[] pts = blinder.hashAndBlind(ids.utf8, identity, from, to, key);
        blindedOwn += to - from;
        int base = from;
        blinder.forEach(to - from, i -> {
          long[] k = new long[2];
          CuckooFilter.key(sha.get(), pts, i * 32, fingerprintBits, k);
          hashes[base + i] = k[0];
          fps[base + i] = (int) k[1];
        });
        progress.update(self, "*", PsiProgress.Phase.FILTER_BUILT, to, n);
      }
      CuckooFilter f = CuckooFilter.build(hashes, fps, fingerprintBits);
      publication = new FilterPublication(PsiMessage.VERSION, filterId, self, "*", SUITE,
          normalizer.spec(), n, fingerprintBits, f.bucketCount(), f.toBytes());
    }
    transport.send(publication);
    return publication;
  }

  @Override
  public void start() {
    publish();
  }

  /** A filter server keeps serving; it is never finished. */
  @Override
  public boolean isFinished() {
    return false;
  }

  /** Sessions currently open. */
  public int openSessions() {
    return clients.size();
  }

  @Override
  protected void handle(PsiMessage m) {
    String sessionKey = m.from() + "/" + m.session();
    ClientSession c = clients.get(sessionKey);
    if (m instanceof Hello h) {
      if (c != null) {
        throw unexpected(m, "a second Hello");
      }
      checkHello(h, Role.FILTER_CLIENT, PsiMode.UNBALANCED, normalizer.spec(), filterId);
      checkPeerSize(h);
      clients.put(sessionKey, new ClientSession(h));
      transport.send(new Hello(PsiMessage.VERSION, h.session(), self, h.from(), Role.FILTER_SERVER,
          PsiMode.UNBALANCED, SUITE, normalizer.spec(), filterId, 0, settings.batchSize()));
    } else if (c == null) {
      throw unexpected(m, "no open session");
    } else if (m instanceof BlindedBatch b && b.stage() == Stage.SINGLE) {
      try {
        acceptBatch(b, c.seen, c.hello.setSize(), c.hello.batchSize());
      } catch (PsiException e) {
        clients.remove(sessionKey);
        throw new PsiException(PsiException.Code.QUOTA_EXCEEDED, e.getMessage()
            + " (a session may query only the points it announced)");
      }
      byte[] out = blinder.blind(b.points(), key, "batch " + b.index() + " from " + b.from());
      transport.send(new BlindedBatch(PsiMessage.VERSION, b.session(), self, b.from(), Stage.DOUBLE,
          b.index(), out));
      progress.update(self, b.from(), PsiProgress.Phase.PEER_BLINDED, c.seen.cardinality(),
          batches(c.hello.setSize(), c.hello.batchSize()));
    } else if (m instanceof Done) {
      clients.remove(sessionKey);
    } else {
      throw unexpected(m, "not expected by a filter server");
    }
  }

  @Override
  public void close() {
    blinder.close();
  }
}
