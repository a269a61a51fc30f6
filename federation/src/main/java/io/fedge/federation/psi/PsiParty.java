package io.fedge.federation.psi;

import io.fedge.federation.psi.PsiMessages.Abort;
import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Hello;
import java.util.BitSet;
import java.util.Optional;

/**
 * One side of a PSI run, driven by messages: {@link #start()} once, then {@link #onMessage} for
 * every message addressed to it, on one thread at a time. Outgoing messages go to the
 * {@link PsiTransport}. A {@link PsiException} thrown while handling a message is also sent to the
 * peer as an {@link Abort} and leaves the party failed.
 */
public abstract class PsiParty implements AutoCloseable {
  /** RFC 9380 suite id of the hash-to-group used by every mode. */
  public static final String SUITE = "ristretto255_XMD:SHA-512_R255MAP_RO_";

  protected final String self;
  protected final PsiTransport transport;
  protected final PsiSettings settings;
  protected final PsiProgress progress;
  private PsiException failure;

  protected PsiParty(String self, PsiTransport transport, PsiSettings settings, PsiProgress progress) {
    this.self = requireId(self, "party id");
    this.transport = transport;
    this.settings = settings;
    this.progress = progress == null ? PsiProgress.NONE : progress;
  }

  public String id() {
    return self;
  }

  /** Stops this party's worker threads; its result stays readable. */
  @Override
  public abstract void close();

  /** Sends the opening messages. */
  public abstract void start();

  /** True once this party has its result (or, for a filter server, never). */
  public abstract boolean isFinished();

  public Optional<PsiException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Handles one message; rethrows (after telling the peer) if the run cannot go on. */
  public final void onMessage(PsiMessage m) {
    if (failure != null) {
      return;
    }
    try {
      if (!self.equals(m.to()) && !"*".equals(m.to())) {
        throw unexpected(m, "it is addressed to " + m.to());
      }
      if (m instanceof PsiMessages.FilterPublication) {
        return; // a published filter is an input for building a FilterClient, not a session step
      }
      if (m instanceof Abort a) {
        throw new PsiException(PsiException.Code.PEER_ABORTED,
            "peer " + a.from() + " aborted session " + a.session() + " (" + a.code() + "): " + a.reason());
      }
      handle(m);
    } catch (PsiException e) {
      failure = e;
      for (String peer : peersToAbort(m)) {
        if (e.code() != PsiException.Code.PEER_ABORTED || !peer.equals(m.from())) {
          transport.send(new Abort(PsiMessage.VERSION, m.session(), self, peer, e.code().name(),
              e.getMessage()));
        }
      }
      throw e;
    }
  }

  protected abstract void handle(PsiMessage m);

  /** The parties told when handling {@code m} fails: by default its sender. */
  protected java.util.List<String> peersToAbort(PsiMessage m) {
    return java.util.List.of(m.from());
  }

  protected PsiException unexpected(PsiMessage m, String why) {
    return new PsiException(PsiException.Code.UNEXPECTED_MESSAGE,
        "unexpected " + m.getClass().getSimpleName() + " from " + m.from() + " in session "
            + m.session() + ": " + why);
  }

  /** Checks a peer's Hello against this party's expectations. */
  protected void checkHello(Hello h, PsiMessages.Role role, PsiMode mode, String normalization,
      String context) {
    if (h.version() != PsiMessage.VERSION) {
      throw mismatch(h, "protocol version " + h.version() + ", this party speaks " + PsiMessage.VERSION);
    }
    if (h.role() != role) {
      throw mismatch(h, "role " + h.role() + ", expected " + role);
    }
    if (h.mode() != mode) {
      throw mismatch(h, "mode " + h.mode() + ", this party runs " + mode);
    }
    if (!SUITE.equals(h.suite())) {
      throw mismatch(h, "suite " + h.suite() + ", this party uses " + SUITE);
    }
    if (!normalization.equals(h.normalization())) {
      throw mismatch(h, "id normalisation '" + h.normalization() + "', this party uses '"
          + normalization + "' (both sides must use the same rule)");
    }
    if (!context.equals(h.context())) {
      throw mismatch(h, "hash context '" + h.context() + "', expected '" + context + "'");
    }
  }

  /** Checks a peer's announced set size. */
  protected void checkPeerSize(Hello h) {
    if (h.setSize() <= 0) {
      throw new PsiException(PsiException.Code.EMPTY_SET,
          "peer " + h.from() + " has an empty id set: there is nothing to intersect");
    }
    if (h.setSize() > settings.maxSetSize()) {
      throw new PsiException(PsiException.Code.SET_TOO_LARGE, "peer " + h.from() + " announced "
          + h.setSize() + " ids, more than this party's limit of " + settings.maxSetSize());
    }
    if (h.batchSize() < 1 || h.batchSize() > PsiSettings.MAX_BATCH) {
      throw mismatch(h, "batch size " + h.batchSize());
    }
  }

  private PsiException mismatch(Hello h, String what) {
    return new PsiException(PsiException.Code.PROTOCOL_MISMATCH,
        "peer " + h.from() + " in session " + h.session() + " uses " + what);
  }

  /** Number of batches for a stream of n points in batches of b. */
  protected static int batches(long n, int b) {
    return (int) ((n + b - 1) / b);
  }

  /**
   * Checks that batch {@code b} is new, in range and of the expected length for a stream of
   * {@code n} points in batches of {@code size}, then marks it seen.
   */
  protected void acceptBatch(BlindedBatch b, BitSet seen, long n, int size) {
    int count = batches(n, size);
    if (b.index() < 0 || b.index() >= count) {
      throw unexpected(b, "batch index " + b.index() + " is outside 0.." + (count - 1));
    }
    if (seen.get(b.index())) {
      throw unexpected(b, "batch " + b.index() + " (" + b.stage() + ") arrived twice");
    }
    long expected = Math.min(size, n - (long) b.index() * size);
    if (b.count() != expected || b.points().length % 32 != 0) {
      throw new PsiException(PsiException.Code.MALFORMED_POINT, "batch " + b.index() + " from "
          + b.from() + " has " + b.points().length + " bytes, expected " + expected + " points of 32 bytes");
    }
    seen.set(b.index());
  }

  static String requireId(String s, String what) {
    if (s == null || s.isEmpty() || s.length() > 200 || !s.matches("[A-Za-z0-9._:@-]+")) {
      throw new IllegalArgumentException(what + " must be 1-200 characters of A-Z a-z 0-9 . _ : @ -, got '"
          + s + "'");
    }
    return s;
  }
}
