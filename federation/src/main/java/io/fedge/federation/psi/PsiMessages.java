package io.fedge.federation.psi;

import java.util.Arrays;
import java.util.Objects;

/** The message records of the PSI protocol (docs/psi.md, "Messages"). */
public final class PsiMessages {
  private PsiMessages() {}

  /** Which side of a pair a party plays. */
  public enum Role { GUEST, HOST, FILTER_SERVER, FILTER_CLIENT }

  /** Batch stages: singly blinded by the sender, or the receiver's own batch blinded back. */
  public enum Stage { SINGLE, DOUBLE }

  /**
   * Opens a pairwise session; each side sends one and checks the other's.
   *
   * @param suite group and hash suite, {@link PsiParty#SUITE}
   * @param normalization the {@link IdNormalizer} spec
   * @param context the hash-to-group domain context (job id, or the filter id in unbalanced mode)
   * @param setSize number of ids this party will send (0 for a filter server)
   * @param batchSize points per batch this party will send
   */
  public record Hello(int version, String session, String from, String to, Role role, PsiMode mode,
      String suite, String normalization, String context, long setSize, int batchSize)
      implements PsiMessage {
    public Hello {
      Objects.requireNonNull(session);
      Objects.requireNonNull(from);
      Objects.requireNonNull(to);
      Objects.requireNonNull(role);
      Objects.requireNonNull(mode);
      Objects.requireNonNull(suite);
      Objects.requireNonNull(normalization);
      Objects.requireNonNull(context);
    }
  }

  /**
   * A batch of blinded points. SINGLE: positions [index * batchSize, ...) of the sender's shuffled
   * stream, blinded with the sender's key. DOUBLE: the receiver's SINGLE batch {@code index}
   * blinded again with the sender's key, in the same order.
   */
  public record BlindedBatch(int version, String session, String from, String to, Stage stage,
      int index, byte[] points) implements PsiMessage {
    public int count() {
      return points.length / 32;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlindedBatch b && b.version == version && b.session.equals(session)
          && b.from.equals(from) && b.to.equals(to) && b.stage == stage && b.index == index
          && Arrays.equals(b.points, points);
    }

    @Override
    public int hashCode() {
      return Objects.hash(session, from, to, stage, index) * 31 + Arrays.hashCode(points);
    }

    @Override
    public String toString() {
      return "BlindedBatch[" + session + " " + from + "->" + to + " " + stage + " #" + index
          + " " + count() + " points]";
    }
  }

  /** The guest processed the host's SINGLE batch {@code index}: the host may send another. */
  public record BatchAck(int version, String session, String from, String to, int index)
      implements PsiMessage {}

  /**
   * Both-learn mode, guest to host, once all hosts are done: the positions (in the host's SINGLE
   * stream) of the host's ids that are in the final intersection, with their doubly blinded values
   * so the host can check each against the guest's doubly blinded set it computed itself.
   */
  public record Reveal(int version, String session, String from, String to, int[] positions,
      byte[] points) implements PsiMessage {
    @Override
    public boolean equals(Object o) {
      return o instanceof Reveal r && r.session.equals(session) && r.from.equals(from)
          && r.to.equals(to) && Arrays.equals(r.positions, positions) && Arrays.equals(r.points, points);
    }

    @Override
    public int hashCode() {
      return Objects.hash(session, from, to) * 31 + Arrays.hashCode(positions);
    }

    @Override
    public String toString() {
      return "Reveal[" + session + " " + from + "->" + to + " " + positions.length + " positions]";
    }
  }

  /** The sender is finished with this session (no result is sent). */
  public record Done(int version, String session, String from, String to) implements PsiMessage {}

  /** The sender gave up; {@code code} is a {@link PsiException.Code} name. */
  public record Abort(int version, String session, String from, String to, String code,
      String reason) implements PsiMessage {}

  /**
   * Unbalanced mode: the large party's cuckoo filter of H'(k * H(y)) for its ids y, published once
   * under {@code filterId} (the hash-to-group context) and reusable by every small party.
   */
  public record FilterPublication(int version, String session, String from, String to,
      String suite, String normalization, long itemCount, int fingerprintBits, int bucketCount,
      byte[] filter) implements PsiMessage {
    @Override
    public boolean equals(Object o) {
      return o instanceof FilterPublication f && f.session.equals(session) && f.from.equals(from)
          && f.itemCount == itemCount && f.fingerprintBits == fingerprintBits
          && f.bucketCount == bucketCount && Arrays.equals(f.filter, filter);
    }

    @Override
    public int hashCode() {
      return Objects.hash(session, from, itemCount, fingerprintBits, bucketCount);
    }

    @Override
    public String toString() {
      return "FilterPublication[" + session + " from " + from + ", " + itemCount + " items, "
          + filter.length + " bytes]";
    }
  }
}
