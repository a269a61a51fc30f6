package io.fedge.federation.secagg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server's side of a round, as a state machine that relays messages and finally removes the
 * masks from the sum. Each phase collects client messages with {@code receive...} and ends with a
 * {@code close...} call that the caller makes when it stops waiting (e.g. on a timeout); clients
 * whose message has not arrived by then count as dropped.
 *
 * <p>A message that fails validation, or arrives in the wrong phase, throws {@link
 * SecAggException} and is ignored; the round goes on without it. Too few clients at a {@code
 * close...} call, or an inconsistent reconstruction, aborts the round: it throws and every later
 * call throws.
 *
 * <p>Masked inputs are summed as they arrive, so memory is O(d), not O(n d). Not thread-safe.
 */
public final class SecAggServer {
  /** Which messages the server is collecting. */
  public enum Phase {
    ADVERTISING,
    SHARING,
    COLLECTING_MASKED_INPUT,
    UNMASKING,
    DONE,
    ABORTED
  }

  private final SecAggConfig config;
  private final int n;
  private final long ringMask;
  private Phase phase = Phase.ADVERTISING;

  private final AdvertiseKeys[] advertised; // U1 by id
  private final SealedShare[][] sealedBySender; // U2 by id
  private final boolean[] maskedReceived; // U3 by id
  private long[] maskedSum;
  private final UnmaskResponse[] unmaskResponses; // U4 by id
  private int[] survivors;
  private int[] dropouts;

  public SecAggServer(SecAggConfig config) {
    this.config = config;
    this.n = config.clientCount();
    this.ringMask = config.fixedPoint().ringMask();
    this.advertised = new AdvertiseKeys[n + 1];
    this.sealedBySender = new SealedShare[n + 1][];
    this.maskedReceived = new boolean[n + 1];
    this.unmaskResponses = new UnmaskResponse[n + 1];
  }

  public Phase phase() {
    return phase;
  }

  /** Round 0: records a client's public keys. */
  public void receiveAdvertiseKeys(AdvertiseKeys m) {
    expect(Phase.ADVERTISING, "advertised keys");
    config.requireRound("advertised keys", m.roundId());
    config.requireClientId("advertising client", m.clientId());
    if (advertised[m.clientId()] != null) {
      throw new SecAggException("client " + m.clientId() + " advertised keys twice");
    }
    advertised[m.clientId()] = m;
  }

  /** Ends round 0; the returned directory (U1) goes to every client in it. */
  public KeyDirectory closeAdvertising() {
    expect(Phase.ADVERTISING, "close advertising");
    List<AdvertiseKeys> u1 = new ArrayList<>();
    for (AdvertiseKeys a : advertised) {
      if (a != null) {
        u1.add(a);
      }
    }
    requireThreshold("clients advertised keys (U1)", u1.size());
    phase = Phase.SHARING;
    return new KeyDirectory(config.roundId(), u1.toArray(new AdvertiseKeys[0]));
  }

  /** Round 1: records a client's sealed shares, which must address every other member of U1. */
  public void receiveEncryptedShares(EncryptedShares m) {
    expect(Phase.SHARING, "encrypted shares");
    config.requireRound("encrypted shares", m.roundId());
    int u = m.senderId();
    requireIn("share sender", u, advertised);
    if (sealedBySender[u] != null) {
      throw new SecAggException("client " + u + " sent encrypted shares twice");
    }
    SealedShare[] shares = m.shares();
    boolean[] seen = new boolean[n + 1];
    int expected = 0;
    for (AdvertiseKeys a : advertised) {
      expected += a == null ? 0 : 1;
    }
    if (shares.length != expected - 1) {
      throw new SecAggException(
          "client " + u + " sent " + shares.length + " shares, U1 needs " + (expected - 1));
    }
    for (SealedShare s : shares) {
      if (s.senderId() != u) {
        throw new SecAggException(
            "client " + u + " sent a share claiming sender " + s.senderId());
      }
      int v = s.recipientId();
      requireIn("share recipient", v, advertised);
      if (v == u || seen[v]) {
        throw new SecAggException("client " + u + " addressed a share to " + v + " twice or itself");
      }
      seen[v] = true;
      if (s.ciphertext().length != ShareCipher.CIPHERTEXT_BYTES) {
        throw new SecAggException(
            "share from " + u + " to " + v + " is " + s.ciphertext().length + " bytes, expected "
                + ShareCipher.CIPHERTEXT_BYTES);
      }
    }
    sealedBySender[u] = shares;
  }

  /**
   * Ends round 1. Returns, for each client of U2 (the senders of shares) in id order, the shares
   * the other members of U2 sealed for it.
   */
  public List<ShareDelivery> closeSharing() {
    expect(Phase.SHARING, "close sharing");
    int[] u2 = ids(sealedBySender);
    requireThreshold("clients shared keys (U2)", u2.length);
    List<ShareDelivery> deliveries = new ArrayList<>(u2.length);
    for (int u : u2) {
      List<SealedShare> forU = new ArrayList<>(u2.length - 1);
      for (int v : u2) {
        if (v == u) {
          continue;
        }
        for (SealedShare s : sealedBySender[v]) {
          if (s.recipientId() == u) {
            forU.add(s);
            break;
          }
        }
      }
      deliveries.add(
          new ShareDelivery(config.roundId(), u, forU.toArray(new SealedShare[0])));
    }
    maskedSum = new long[config.vectorLength()];
    phase = Phase.COLLECTING_MASKED_INPUT;
    return deliveries;
  }

  /** Round 2: adds a member of U2's masked input into the running sum. */
  public void receiveMaskedInput(MaskedInput m) {
    expect(Phase.COLLECTING_MASKED_INPUT, "masked input");
    config.requireRound("masked input", m.roundId());
    int u = m.clientId();
    config.requireClientId("masked input sender", u);
    if (sealedBySender[u] == null) {
      throw new SecAggException("client " + u + " sent masked input but did not share keys (U2)");
    }
    if (maskedReceived[u]) {
      throw new SecAggException("client " + u + " sent masked input twice");
    }
    if (m.length() != config.vectorLength()) {
      throw new SecAggException(
          "masked input of client " + u + " has " + m.length()
              + " coordinates, expected " + config.vectorLength());
    }
    if (!m.inRing(ringMask)) {
      throw new SecAggException("masked input of client " + u + " has elements outside the ring");
    }
    m.addTo(maskedSum, ringMask);
    maskedReceived[u] = true;
  }

  /** Ends round 2; the request (U3 and U2 \ U3) goes to every client of U3. */
  public UnmaskRequest closeMaskedInput() {
    expect(Phase.COLLECTING_MASKED_INPUT, "close masked input");
    int count = 0;
    int dropped = 0;
    for (int u = 1; u <= n; u++) {
      if (maskedReceived[u]) {
        count++;
      } else if (sealedBySender[u] != null) {
        dropped++;
      }
    }
    requireThreshold("clients sent masked input (U3)", count);
    survivors = new int[count];
    dropouts = new int[dropped];
    int a = 0;
    int b = 0;
    for (int u = 1; u <= n; u++) {
      if (maskedReceived[u]) {
        survivors[a++] = u;
      } else if (sealedBySender[u] != null) {
        dropouts[b++] = u;
      }
    }
    phase = Phase.UNMASKING;
    return new UnmaskRequest(config.roundId(), survivors, dropouts);
  }

  /** Round 3: records a survivor's shares; they must cover exactly U3 and U2 \ U3. */
  public void receiveUnmaskResponse(UnmaskResponse m) {
    expect(Phase.UNMASKING, "unmask response");
    config.requireRound("unmask response", m.roundId());
    int u = m.clientId();
    config.requireClientId("unmask responder", u);
    if (!maskedReceived[u]) {
      throw new SecAggException("client " + u + " answered unmasking but is not in U3");
    }
    if (unmaskResponses[u] != null) {
      throw new SecAggException("client " + u + " answered unmasking twice");
    }
    requireSameIds("self-mask shares of client " + u, survivors, m.selfMaskOwners());
    requireSameIds("key shares of client " + u, dropouts, m.keyOwners());
    for (byte[] s : m.selfMaskShares()) {
      requireShareLength(u, s);
    }
    for (byte[] s : m.keyShares()) {
      requireShareLength(u, s);
    }
    unmaskResponses[u] = m;
  }

  /**
   * Ends round 3: reconstructs the self-mask seed of every survivor and the masking key of every
   * dropout from the shares of t responders, removes all masks and returns the sum of the
   * survivors' inputs. Aborts if fewer than t survivors answered or a reconstructed key does not
   * match its advertised public key.
   */
  public SecAggResult finish() {
    expect(Phase.UNMASKING, "finish");
    int[] responders = ids(unmaskResponses);
    requireThreshold("survivors answered unmasking (U4)", responders.length);
    int t = config.threshold();
    // share tables: [responder k][owner position] from the first t responders
    byte[][][] seedShares = new byte[t][][];
    byte[][][] keyShares = new byte[t][][];
    for (int k = 0; k < t; k++) {
      UnmaskResponse r = unmaskResponses[responders[k]];
      seedShares[k] = alignedShares(survivors, r.selfMaskOwners(), r.selfMaskShares());
      keyShares[k] = alignedShares(dropouts, r.keyOwners(), r.keyShares());
    }
    long[] sum = maskedSum;
    Shamir.Share[] shares = new Shamir.Share[t];
    for (int j = 0; j < survivors.length; j++) {
      for (int k = 0; k < t; k++) {
        shares[k] = new Shamir.Share(responders[k], seedShares[k][j]);
      }
      byte[] seed = Shamir.combine(shares);
      Prg.addInto(seed, sum, true, ringMask);
      Arrays.fill(seed, (byte) 0);
    }
    for (int j = 0; j < dropouts.length; j++) {
      int v = dropouts[j];
      for (int k = 0; k < t; k++) {
        shares[k] = new Shamir.Share(responders[k], keyShares[k][j]);
      }
      byte[] maskingPrivate = Shamir.combine(shares);
      if (!Arrays.equals(
          KeyAgreement.publicKeyOf(maskingPrivate), advertised[v].maskingPublicKey())) {
        throw abort(
            "reconstructed masking key of dropped client " + v
                + " does not match its advertised public key");
      }
      for (int u : survivors) {
        byte[] pairSeed =
            KeyAgreement.pairwiseKey(
                maskingPrivate,
                advertised[u].maskingPublicKey(),
                KeyAgreement.Purpose.PAIRWISE_MASK,
                config.roundId(),
                v,
                u);
        // y_u holds +PRG(s_uv) if v > u and -PRG(s_uv) if v < u; take it out
        Prg.addInto(pairSeed, sum, v > u, ringMask);
      }
      Arrays.fill(maskingPrivate, (byte) 0);
    }
    phase = Phase.DONE;
    maskedSum = null;
    return new SecAggResult(sum, survivors, config.fixedPoint());
  }

  private static byte[][] alignedShares(int[] expectedOwners, int[] owners, byte[][] shares) {
    // owners is a permutation of expectedOwners (checked on receipt); order shares like expected
    byte[][] out = new byte[expectedOwners.length][];
    for (int j = 0; j < expectedOwners.length; j++) {
      for (int i = 0; i < owners.length; i++) {
        if (owners[i] == expectedOwners[j]) {
          out[j] = shares[i];
          break;
        }
      }
    }
    return out;
  }

  private void requireSameIds(String what, int[] expected, int[] actual) {
    int[] a = actual.clone();
    Arrays.sort(a);
    if (!Arrays.equals(a, expected)) {
      throw new SecAggException(
          what + " are for " + Arrays.toString(a) + ", expected " + Arrays.toString(expected));
    }
  }

  private static void requireShareLength(int u, byte[] share) {
    if (share.length != ShareCipher.SHARE_BYTES) {
      throw new SecAggException(
          "share from client " + u + " is " + share.length + " bytes, expected "
              + ShareCipher.SHARE_BYTES);
    }
  }

  private void requireIn(String what, int id, Object[] byId) {
    config.requireClientId(what, id);
    if (byId[id] == null) {
      throw new SecAggException(what + " " + id + " did not advertise keys (U1)");
    }
  }

  private void expect(Phase expected, String what) {
    if (phase == Phase.ABORTED) {
      throw new SecAggException("round " + config.roundId() + " was aborted; rejected " + what);
    }
    if (phase != expected) {
      throw new SecAggException(
          "rejected " + what + " in phase " + phase + " (accepted in " + expected + ")");
    }
  }

  private void requireThreshold(String what, int count) {
    if (count < config.threshold()) {
      throw abort(
          "only " + count + " " + what + ", fewer than the threshold " + config.threshold()
              + "; round " + config.roundId() + " aborted");
    }
  }

  private SecAggException abort(String message) {
    phase = Phase.ABORTED;
    maskedSum = null;
    return new SecAggException(message);
  }

  private static int[] ids(Object[] byId) {
    int count = 0;
    for (Object o : byId) {
      count += o == null ? 0 : 1;
    }
    int[] out = new int[count];
    int k = 0;
    for (int i = 0; i < byId.length; i++) {
      if (byId[i] != null) {
        out[k++] = i;
      }
    }
    return out;
  }
}
