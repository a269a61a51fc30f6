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
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A host of a balanced ECDH PSI: sends its ids hashed and blinded with a fresh secret scalar in a
 * random order, and blinds the guest's points in return. In {@link PsiMode#BOTH_LEARN} it keeps the
 * doubly blinded guest set (32 bytes per guest id) to check the guest's {@link Reveal}.
 */
public final class PsiHost extends PsiParty {
  private final String guest;
  private final String jobId;
  private final PsiMode mode;
  private final IdNormalizer normalizer;
  private final PreparedSet ids;
  private final Blinder blinder;
  private final Scalar key;
  private final int[] order;
  private Hello peer;
  private int sent;
  private int acked;
  private final BitSet ackSeen = new BitSet();
  private final BitSet guestSeen = new BitSet();
  private int guestBatches;
  private byte[] guestDouble;
  private PsiResult result;
  private boolean finished;

  public PsiHost(String self, String guest, String jobId, PsiMode mode, IdNormalizer normalizer,
      List<String> ids, PsiSettings settings, PsiTransport transport, PsiProgress progress,
      SecureRandom random) {
    super(self, transport, settings, progress);
    if (mode == PsiMode.UNBALANCED) {
      throw new IllegalArgumentException("the unbalanced mode uses FilterServer and FilterClient");
    }
    this.guest = requireId(guest, "guest id");
    this.jobId = requireId(jobId, "job id");
    this.mode = mode;
    this.normalizer = normalizer;
    this.ids = PreparedSet.of(ids, normalizer, settings.maxSetSize());
    this.blinder = new Blinder(jobId, settings.parallelism());
    this.key = Scalar.random(random);
    this.order = PreparedSet.shuffled(this.ids.size(), random);
  }

  @Override
  public void start() {
    transport.send(new Hello(PsiMessage.VERSION, jobId, self, guest, Role.HOST, mode, SUITE,
        normalizer.spec(), jobId, ids.size(), settings.batchSize()));
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  /**
   * The host's rows in the intersection (both-learn mode) once finished; null in guest-learns
   * mode, where the host learns nothing.
   */
  public PsiResult result() {
    return result;
  }

  @Override
  protected void handle(PsiMessage m) {
    if (!guest.equals(m.from()) || !jobId.equals(m.session()) || finished) {
      throw unexpected(m, "no open session with that party for this job");
    }
    if (m instanceof Hello h) {
      if (peer != null) {
        throw unexpected(m, "a second Hello");
      }
      checkHello(h, Role.GUEST, mode, normalizer.spec(), jobId);
      checkPeerSize(h);
      peer = h;
      if (mode == PsiMode.BOTH_LEARN) {
        guestDouble = new byte[Math.toIntExact(h.setSize() * 32)];
      }
      for (int i = 0; i < settings.window(); i++) {
        sendNext();
      }
    } else if (peer == null) {
      throw unexpected(m, "before the guest's Hello");
    } else if (m instanceof BlindedBatch b && b.stage() == Stage.SINGLE) {
      acceptBatch(b, guestSeen, peer.setSize(), peer.batchSize());
      byte[] doubled = blinder.blind(b.points(), key, "batch " + b.index() + " from " + guest);
      if (guestDouble != null) {
        System.arraycopy(doubled, 0, guestDouble, b.index() * peer.batchSize() * 32, doubled.length);
      }
      guestBatches++;
      transport.send(new BlindedBatch(PsiMessage.VERSION, jobId, self, guest, Stage.DOUBLE, b.index(), doubled));
      progress.update(self, guest, PsiProgress.Phase.PEER_BLINDED,
          Math.min((long) guestBatches * peer.batchSize(), peer.setSize()), peer.setSize());
    } else if (m instanceof BatchAck a) {
      if (a.index() < 0 || a.index() >= sent || ackSeen.get(a.index())) {
        throw unexpected(m, "acknowledges batch " + a.index() + " which is not outstanding");
      }
      ackSeen.set(a.index());
      acked++;
      sendNext();
    } else if (m instanceof Done && mode == PsiMode.GUEST_LEARNS) {
      finished = true;
      blinder.close();
    } else if (m instanceof Reveal r && mode == PsiMode.BOTH_LEARN) {
      reveal(r);
    } else {
      throw unexpected(m, "not expected by a host in mode " + mode);
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
    transport.send(new BlindedBatch(PsiMessage.VERSION, jobId, self, guest, Stage.SINGLE, sent, pts));
    sent++;
    progress.update(self, guest, PsiProgress.Phase.OWN_BLINDED_SENT, to, ids.size());
  }

  private void reveal(Reveal r) {
    if (guestBatches < batches(peer.setSize(), peer.batchSize())
        || acked < batches(ids.size(), settings.batchSize())) {
      throw unexpected(r, "the reveal came before both sets were exchanged");
    }
    EncodedIndex guestSet = new EncodedIndex(guestDouble, "the guest's doubly blinded set");
    BitSet seen = new BitSet();
    int[] rows = new int[r.positions().length];
    for (int i = 0; i < rows.length; i++) {
      int pos = r.positions()[i];
      if (pos < 0 || pos >= ids.size() || seen.get(pos)) {
        throw unexpected(r, "reveal position " + pos + " is out of range or repeated");
      }
      seen.set(pos);
      if (guestSet.find(r.points(), i * 32) < 0) {
        throw new PsiException(PsiException.Code.MALFORMED_POINT, "revealed value " + i
            + " is not in the guest's doubly blinded set: the guest's reveal is inconsistent");
      }
      rows[i] = order[pos];
    }
    Arrays.sort(rows);
    result = ids.result(rows);
    finished = true;
    blinder.close();
  }

  @Override
  public void close() {
    blinder.close();
  }
}
