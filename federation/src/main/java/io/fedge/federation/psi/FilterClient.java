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
import java.util.List;

/**
 * A small party of the unbalanced mode: sends its ids blinded with a fresh per-job scalar a, gets
 * back k*a*H(x) from the {@link FilterServer}, removes a, and tests k*H(x) against the published
 * filter. It learns its ids that are in the large set, plus false positives at the filter's rate.
 */
public final class FilterClient extends PsiParty {
  private final String server;
  private final String jobId;
  private final FilterPublication publication;
  private final CuckooFilter filter;
  private final IdNormalizer normalizer;
  private final PreparedSet ids;
  private final Blinder blinder;
  private final Scalar key;
  private final Scalar inverse;
  private final int[] order;
  private final BitSet seen = new BitSet();
  private final BitSet matchedPositions = new BitSet();
  private boolean helloReceived;
  private int sent;
  private int received;
  private PsiResult result;

  public FilterClient(String self, String server, String jobId, FilterPublication publication,
      IdNormalizer normalizer, List<String> ids, PsiSettings settings, PsiTransport transport,
      PsiProgress progress, SecureRandom random) {
    super(self, transport, settings, progress);
    this.server = requireId(server, "server id");
    this.jobId = requireId(jobId, "job id");
    if (!SUITE.equals(publication.suite())) {
      throw new PsiException(PsiException.Code.PROTOCOL_MISMATCH,
          "the published filter uses suite " + publication.suite() + ", this party uses " + SUITE);
    }
    if (!normalizer.spec().equals(publication.normalization())) {
      throw new PsiException(PsiException.Code.PROTOCOL_MISMATCH, "the published filter was built with '"
          + publication.normalization() + "' normalisation, this party uses '" + normalizer.spec() + "'");
    }
    if (!server.equals(publication.from())) {
      throw new PsiException(PsiException.Code.FILTER_INVALID,
          "the filter was published by " + publication.from() + ", not by " + server);
    }
    this.publication = publication;
    this.filter = CuckooFilter.fromBytes(publication.filter(), publication.fingerprintBits(),
        publication.bucketCount());
    this.normalizer = normalizer;
    this.ids = PreparedSet.of(ids, normalizer, settings.maxSetSize());
    this.blinder = new Blinder(publication.session(), settings.parallelism());
    this.key = Scalar.random(random);
    this.inverse = key.invert();
    this.order = PreparedSet.shuffled(this.ids.size(), random);
  }

  /** Upper bound of the expected number of false positives in this client's result. */
  public double expectedFalsePositivesBound() {
    return ids.size() * CuckooFilter.falsePositiveBound(publication.fingerprintBits());
  }

  @Override
  public void start() {
    transport.send(new Hello(PsiMessage.VERSION, jobId, self, server, Role.FILTER_CLIENT,
        PsiMode.UNBALANCED, SUITE, normalizer.spec(), publication.session(), ids.size(),
        settings.batchSize()));
  }

  @Override
  public boolean isFinished() {
    return result != null;
  }

  public PsiResult result() {
    return result;
  }

  @Override
  protected void handle(PsiMessage m) {
    if (!server.equals(m.from()) || !jobId.equals(m.session()) || result != null) {
      throw unexpected(m, "no open session with that party for this job");
    }
    if (m instanceof Hello h && !helloReceived) {
      checkHello(h, Role.FILTER_SERVER, PsiMode.UNBALANCED, normalizer.spec(), publication.session());
      helloReceived = true;
      for (int i = 0; i < settings.window(); i++) {
        sendNext();
      }
    } else if (m instanceof BlindedBatch b && b.stage() == Stage.DOUBLE && helloReceived) {
      if (b.index() >= sent) {
        throw unexpected(m, "an evaluated batch " + b.index() + " that was never sent");
      }
      acceptBatch(b, seen, ids.size(), settings.batchSize());
      byte[] unblinded = blinder.blind(b.points(), inverse, "evaluated batch " + b.index());
      ThreadLocal<MessageDigest> sha = ThreadLocal.withInitial(CuckooFilter::sha256);
      int base = b.index() * settings.batchSize();
      boolean[] hit = new boolean[b.count()];
      blinder.forEach(b.count(), i -> {
        long[] k = new long[2];
        CuckooFilter.key(sha.get(), unblinded, i * 32, publication.fingerprintBits(), k);
        hit[i] = filter.contains(k[0], (int) k[1]);
      });
      for (int i = 0; i < hit.length; i++) {
        if (hit[i]) {
          matchedPositions.set(base + i);
        }
      }
      received++;
      progress.update(self, server, PsiProgress.Phase.OWN_DOUBLE_RECEIVED,
          Math.min((long) received * settings.batchSize(), ids.size()), ids.size());
      sendNext();
      if (received == batches(ids.size(), settings.batchSize())) {
        int[] rows = matchedPositions.stream().map(p -> order[p]).sorted().toArray();
        result = ids.result(rows);
        transport.send(new Done(PsiMessage.VERSION, jobId, self, server));
        blinder.close();
      }
    } else {
      throw unexpected(m, "not expected by a filter client at this point");
    }
  }

  private void sendNext() {
    int total = batches(ids.size(), settings.batchSize());
    if (sent >= total) {
      return;
    }
    int from = sent * settings.batchSize();
    int to = Math.min(ids.size(), from + settings.batchSize());
    byte[] pts = blinder.hashAndBlind(ids.utf8, order, from, to, key);
    transport.send(new BlindedBatch(PsiMessage.VERSION, jobId, self, server, Stage.SINGLE, sent, pts));
    sent++;
    progress.update(self, server, PsiProgress.Phase.OWN_BLINDED_SENT, to, ids.size());
  }

  @Override
  public void close() {
    blinder.close();
  }
}
