package io.fedge.federation.psi;

import io.fedge.federation.psi.PsiMessages.BatchAck;
import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Done;
import io.fedge.federation.psi.PsiMessages.Hello;
import io.fedge.federation.psi.PsiMessages.Reveal;
import io.fedge.federation.psi.PsiMessages.Role;
import io.fedge.federation.psi.PsiMessages.Stage;
import io.fedge.federation.psi.ristretto.Scalar;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest of a balanced ECDH PSI with one or more hosts (modes {@link PsiMode#BOTH_LEARN} and
 * {@link PsiMode#GUEST_LEARNS}). With each host it runs a separate pairwise session with a fresh
 * secret scalar and its own shuffle; the result is the set of guest ids found at every host.
 *
 * <p>Per host it holds 32 bytes per own id and per host id, plus an 8-byte index entry per own id.
 */
public final class PsiGuest extends PsiParty {
  private final String jobId;
  private final PsiMode mode;
  private final IdNormalizer normalizer;
  private final PreparedSet ids;
  private final Blinder blinder;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private PsiResult result;

  /** Pairwise state with one host. */
  private final class Session {
    final String host;
    final Scalar key;
    final int[] order;
    final byte[] ownDouble;
    final BitSet ownDoubleSeen = new BitSet();
    int ownSent;
    int ownDoubleBatches;
    Hello peer;
    byte[] peerDouble;
    final BitSet peerSeen = new BitSet();
    int peerBatches;
    int[] hostPositionOfRow;
    boolean matched;

    Session(String host, SecureRandom random) {
      this.host = host;
      this.key = Scalar.random(random);
      this.order = PreparedSet.shuffled(ids.size(), random);
      this.ownDouble = new byte[ids.size() * 32];
    }
  }

  /**
   * @param ids this party's ids, in its own row order; normalised and validated here
   * @throws PsiException for an empty, oversized, invalid or duplicate input
   */
  public PsiGuest(String self, List<String> hosts, String jobId, PsiMode mode, IdNormalizer normalizer,
      List<String> ids, PsiSettings settings, PsiTransport transport, PsiProgress progress,
      SecureRandom random) {
    super(self, transport, settings, progress);
    if (mode == PsiMode.UNBALANCED) {
      throw new IllegalArgumentException("the unbalanced mode uses FilterServer and FilterClient");
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a PSI guest needs at least one host");
    }
    this.jobId = requireId(jobId, "job id");
    this.mode = mode;
    this.normalizer = normalizer;
    this.ids = PreparedSet.of(ids, normalizer, settings.maxSetSize());
    this.blinder = new Blinder(jobId, settings.parallelism());
    for (String h : hosts) {
      if (h.equals(self) || sessions.put(requireId(h, "host id"), new Session(h, random)) != null) {
        throw new IllegalArgumentException("host ids must be distinct and differ from the guest's");
      }
    }
  }

  @Override
  public void start() {
    for (Session s : sessions.values()) {
      transport.send(new Hello(PsiMessage.VERSION, jobId, self, s.host, Role.GUEST, mode, SUITE,
          normalizer.spec(), jobId, ids.size(), settings.batchSize()));
    }
  }

  @Override
  public boolean isFinished() {
    return result != null;
  }

  /** The guest's rows found at every host; null until finished. */
  public PsiResult result() {
    return result;
  }

  /** A failure with one host ends the whole multi-party run: every host is told. */
  @Override
  protected List<String> peersToAbort(PsiMessage m) {
    return List.copyOf(sessions.keySet());
  }

  @Override
  protected void handle(PsiMessage m) {
    Session s = sessions.get(m.from());
    if (s == null || !jobId.equals(m.session()) || result != null) {
      throw unexpected(m, "no session with that party for this job");
    }
    if (m instanceof Hello h) {
      if (s.peer != null) {
        throw unexpected(m, "a second Hello");
      }
      checkHello(h, Role.HOST, mode, normalizer.spec(), jobId);
      checkPeerSize(h);
      s.peer = h;
      s.peerDouble = new byte[Math.toIntExact(h.setSize() * 32)];
      for (int i = 0; i < settings.window(); i++) {
        sendNext(s);
      }
    } else if (m instanceof BlindedBatch b && s.peer != null) {
      if (b.stage() == Stage.DOUBLE) {
        if (b.index() >= s.ownSent) {
          throw unexpected(m, "a doubly blinded batch " + b.index() + " that was never sent");
        }
        acceptBatch(b, s.ownDoubleSeen, ids.size(), settings.batchSize());
        blinder.validate(b.points(), "doubly blinded batch " + b.index() + " from " + s.host);
        System.arraycopy(b.points(), 0, s.ownDouble, b.index() * settings.batchSize() * 32, b.points().length);
        s.ownDoubleBatches++;
        progress.update(self, s.host, PsiProgress.Phase.OWN_DOUBLE_RECEIVED,
            Math.min((long) s.ownDoubleBatches * settings.batchSize(), ids.size()), ids.size());
        sendNext(s);
      } else {
        acceptBatch(b, s.peerSeen, s.peer.setSize(), s.peer.batchSize());
        byte[] doubled = blinder.blind(b.points(), s.key, "batch " + b.index() + " from " + s.host);
        System.arraycopy(doubled, 0, s.peerDouble, b.index() * s.peer.batchSize() * 32, doubled.length);
        s.peerBatches++;
        transport.send(new BatchAck(PsiMessage.VERSION, jobId, self, s.host, b.index()));
        progress.update(self, s.host, PsiProgress.Phase.PEER_BLINDED,
            Math.min((long) s.peerBatches * s.peer.batchSize(), s.peer.setSize()), s.peer.setSize());
      }
      maybeMatch(s);
    } else {
      throw unexpected(m, "not expected by a guest at this point");
    }
  }

  private void sendNext(Session s) {
    int total = batches(ids.size(), settings.batchSize());
    if (s.ownSent >= total) {
      return;
    }
    int from = s.ownSent * settings.batchSize();
    int to = Math.min(ids.size(), from + settings.batchSize());
    byte[] pts = blinder.hashAndBlind(ids.utf8, s.order, from, to, s.key);
    transport.send(new BlindedBatch(PsiMessage.VERSION, jobId, self, s.host, Stage.SINGLE, s.ownSent, pts));
    s.ownSent++;
    progress.update(self, s.host, PsiProgress.Phase.OWN_BLINDED_SENT, to, ids.size());
  }

  private void maybeMatch(Session s) {
    if (s.matched || s.ownDoubleBatches < batches(ids.size(), settings.batchSize())
        || s.peerBatches < batches(s.peer.setSize(), s.peer.batchSize())) {
      return;
    }
    EncodedIndex own = new EncodedIndex(s.ownDouble, "the guest's doubly blinded set from " + s.host);
    s.hostPositionOfRow = new int[ids.size()];
    java.util.Arrays.fill(s.hostPositionOfRow, -1);
    int hostCount = s.peerDouble.length / 32;
    for (int j = 0; j < hostCount; j++) {
      int k = own.find(s.peerDouble, j * 32);
      if (k >= 0) {
        int row = s.order[k];
        if (s.hostPositionOfRow[row] >= 0) {
          throw new PsiException(PsiException.Code.MALFORMED_POINT,
              "host " + s.host + " sent the same blinded value twice: its data is corrupt");
        }
        s.hostPositionOfRow[row] = j;
      }
    }
    s.matched = true;
    if (sessions.values().stream().allMatch(x -> x.matched)) {
      finish();
    }
  }

  private void finish() {
    int[] rows = java.util.stream.IntStream.range(0, ids.size())
        .filter(r -> sessions.values().stream().allMatch(x -> x.hostPositionOfRow[r] >= 0))
        .toArray();
    result = ids.result(rows);
    for (Session s : sessions.values()) {
      if (mode == PsiMode.BOTH_LEARN) {
        int[] positions = new int[rows.length];
        byte[] pts = new byte[rows.length * 32];
        for (int i = 0; i < rows.length; i++) {
          positions[i] = s.hostPositionOfRow[rows[i]];
        }
        java.util.Arrays.sort(positions); // reveal in host stream order, not in guest row order
        for (int i = 0; i < positions.length; i++) {
          System.arraycopy(s.peerDouble, positions[i] * 32, pts, i * 32, 32);
        }
        transport.send(new Reveal(PsiMessage.VERSION, jobId, self, s.host, positions, pts));
      } else {
        transport.send(new Done(PsiMessage.VERSION, jobId, self, s.host));
      }
    }
    blinder.close();
  }

  @Override
  public void close() {
    blinder.close();
  }
}
