package io.fedge.federation.secagg;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One client's side of a round, as a state machine. Call, in order, {@link #advertiseKeys()},
 * {@link #shareKeys(KeyDirectory)}, {@link #maskInput(ShareDelivery, double[])} (or {@link
 * #maskEncodedInput(ShareDelivery, long[])}) and {@link #unmask(UnmaskRequest)}, passing each
 * returned message to the server and each server message back in.
 *
 * <p>Every incoming message is validated. Any failure throws {@link SecAggException} and aborts
 * this client for the round: it will not produce further messages, so it cannot be led into
 * revealing anything after an inconsistency. In particular the client never reveals, for the same
 * peer, both its share of the peer's self-mask seed and its share of the peer's masking key, which
 * would let the server unmask that peer's input.
 *
 * <p>Not thread-safe; one instance per client per round.
 */
public final class SecAggClient {
  /** Where the client is in the round. */
  public enum State {
    NEW,
    KEYS_ADVERTISED,
    KEYS_SHARED,
    INPUT_MASKED,
    UNMASKED,
    ABORTED
  }

  private static final byte REVEALED_NOTHING = 0;
  private static final byte REVEALED_SELF_MASK = 1;
  private static final byte REVEALED_KEY = 2;

  private final SecAggConfig config;
  private final int id;
  private final SecureRandom random;
  private State state = State.NEW;

  private KeyAgreement.KeyPair encryptionKeys;
  private KeyAgreement.KeyPair maskingKeys;
  private byte[] selfMaskSeed;
  // indexed by client id; null where the client is not in U1
  private byte[][] encryptionPublicKeys;
  private byte[][] maskingPublicKeys;
  // shares this client holds of each U2 member's secrets, indexed by owner id (incl. itself)
  private byte[][] heldSelfMaskShares;
  private byte[][] heldKeyShares;
  private boolean[] inU2;
  private final byte[] revealed;

  public SecAggClient(SecAggConfig config, int clientId, SecureRandom random) {
    config.requireClientId("client id", clientId);
    this.config = config;
    this.id = clientId;
    this.random = random;
    this.revealed = new byte[config.clientCount() + 1];
  }

  public int clientId() {
    return id;
  }

  public State state() {
    return state;
  }

  /** Round 0: fresh key pairs c (share encryption) and s (masking); returns the public halves. */
  public AdvertiseKeys advertiseKeys() {
    expect(State.NEW, "advertise keys");
    encryptionKeys = KeyAgreement.generate(random);
    maskingKeys = KeyAgreement.generate(random);
    state = State.KEYS_ADVERTISED;
    return new AdvertiseKeys(
        config.roundId(), id, encryptionKeys.publicKey(), maskingKeys.publicKey());
  }

  /**
   * Round 1: from the keys of U1, draw the self-mask seed b_u, split b_u and the masking private
   * key s_u t-of-|U1| and seal each other member's pair of shares for it.
   */
  public EncryptedShares shareKeys(KeyDirectory directory) {
    expect(State.KEYS_ADVERTISED, "share keys");
    try {
      config.requireRound("key directory", directory.roundId());
      int n = config.clientCount();
      encryptionPublicKeys = new byte[n + 1][];
      maskingPublicKeys = new byte[n + 1][];
      AdvertiseKeys[] entries = directory.clients();
      for (AdvertiseKeys e : entries) {
        config.requireRound("key directory entry of client " + e.clientId(), e.roundId());
        config.requireClientId("key directory entry", e.clientId());
        if (encryptionPublicKeys[e.clientId()] != null) {
          throw new SecAggException("key directory lists client " + e.clientId() + " twice");
        }
        encryptionPublicKeys[e.clientId()] = e.encryptionPublicKey();
        maskingPublicKeys[e.clientId()] = e.maskingPublicKey();
      }
      if (encryptionPublicKeys[id] == null
          || !Arrays.equals(encryptionPublicKeys[id], encryptionKeys.publicKey())
          || !Arrays.equals(maskingPublicKeys[id], maskingKeys.publicKey())) {
        throw new SecAggException("key directory does not carry client " + id + "'s own keys");
      }
      requireThreshold("clients in the key directory (U1)", entries.length);
      int[] u1 = idsWhere(encryptionPublicKeys);

      selfMaskSeed = new byte[Prg.SEED_BYTES];
      random.nextBytes(selfMaskSeed);
      Shamir.Share[] seedShares = Shamir.split(selfMaskSeed, config.threshold(), u1, random);
      Shamir.Share[] keyShares =
          Shamir.split(maskingKeys.privateKey(), config.threshold(), u1, random);

      heldSelfMaskShares = new byte[n + 1][];
      heldKeyShares = new byte[n + 1][];
      byte[] encryptionPrivate = encryptionKeys.privateKey();
      SealedShare[] sealed = new SealedShare[u1.length - 1];
      int k = 0;
      for (int i = 0; i < u1.length; i++) {
        int v = u1[i];
        if (v == id) {
          heldSelfMaskShares[id] = seedShares[i].value();
          heldKeyShares[id] = keyShares[i].value();
          continue;
        }
        byte[] key =
            KeyAgreement.pairwiseKey(
                encryptionPrivate,
                encryptionPublicKeys[v],
                KeyAgreement.Purpose.SHARE_ENCRYPTION,
                config.roundId(),
                id,
                v);
        byte[] ct =
            ShareCipher.seal(
                key, config.roundId(), id, v, seedShares[i].value(), keyShares[i].value(), random);
        Arrays.fill(key, (byte) 0);
        sealed[k++] = new SealedShare(id, v, ct);
      }
      Arrays.fill(encryptionPrivate, (byte) 0);
      state = State.KEYS_SHARED;
      return new EncryptedShares(config.roundId(), id, sealed);
    } catch (RuntimeException e) {
      throw abort(e);
    }
  }

  /** Round 2 for real-valued input: encodes with the round's {@link FixedPoint}, then masks. */
  public MaskedInput maskInput(ShareDelivery delivery, double[] input) {
    expect(State.KEYS_SHARED, "mask input");
    long[] encoded;
    try {
      requireLength(input.length);
      encoded = config.fixedPoint().encode(input);
    } catch (RuntimeException e) {
      throw abort(e);
    }
    return maskEncodedInput(delivery, encoded);
  }

  /**
   * Round 2: opens the shares sent by the other members of U2 (the senders in {@code delivery})
   * and returns y_u = x_u + PRG(b_u) + sum_{v &gt; u} PRG(s_uv) - sum_{v &lt; u} PRG(s_uv) mod R
   * over v in U2. {@code encodedInput} holds ring elements.
   */
  public MaskedInput maskEncodedInput(ShareDelivery delivery, long[] encodedInput) {
    expect(State.KEYS_SHARED, "mask input");
    try {
      config.requireRound("share delivery", delivery.roundId());
      if (delivery.recipientId() != id) {
        throw new SecAggException(
            "share delivery for client " + delivery.recipientId() + " given to client " + id);
      }
      requireLength(encodedInput.length);
      long ringMask = config.fixedPoint().ringMask();
      for (int i = 0; i < encodedInput.length; i++) {
        if ((encodedInput[i] & ~ringMask) != 0) {
          throw new SecAggException("input[" + i + "] is not a ring element mod 2^32");
        }
      }
      inU2 = new boolean[config.clientCount() + 1];
      inU2[id] = true;
      int members = 1;
      byte[] encryptionPrivate = encryptionKeys.privateKey();
      for (SealedShare s : delivery.shares()) {
        int v = s.senderId();
        config.requireClientId("share sender", v);
        if (s.recipientId() != id) {
          throw new SecAggException(
              "share from client " + v + " is addressed to " + s.recipientId() + ", not " + id);
        }
        if (v == id || encryptionPublicKeys[v] == null) {
          throw new SecAggException("share sender " + v + " is not another member of U1");
        }
        if (inU2[v]) {
          throw new SecAggException("share delivery holds two shares from client " + v);
        }
        byte[] key =
            KeyAgreement.pairwiseKey(
                encryptionPrivate,
                encryptionPublicKeys[v],
                KeyAgreement.Purpose.SHARE_ENCRYPTION,
                config.roundId(),
                id,
                v);
        byte[][] pair = ShareCipher.open(key, config.roundId(), v, id, s.ciphertext());
        Arrays.fill(key, (byte) 0);
        heldSelfMaskShares[v] = pair[0];
        heldKeyShares[v] = pair[1];
        inU2[v] = true;
        members++;
      }
      Arrays.fill(encryptionPrivate, (byte) 0);
      requireThreshold("clients that shared keys (U2)", members);

      long[] y = encodedInput.clone();
      Prg.addInto(selfMaskSeed, y, false, ringMask);
      byte[] maskingPrivate = maskingKeys.privateKey();
      for (int v = 1; v <= config.clientCount(); v++) {
        if (v == id || !inU2[v]) {
          continue;
        }
        byte[] seed =
            KeyAgreement.pairwiseKey(
                maskingPrivate,
                maskingPublicKeys[v],
                KeyAgreement.Purpose.PAIRWISE_MASK,
                config.roundId(),
                id,
                v);
        Prg.addInto(seed, y, v < id, ringMask);
        Arrays.fill(seed, (byte) 0);
      }
      Arrays.fill(maskingPrivate, (byte) 0);
      state = State.INPUT_MASKED;
      return new MaskedInput(config.roundId(), id, y);
    } catch (RuntimeException e) {
      throw abort(e);
    }
  }

  /**
   * Round 3: given U3 (survivors) and U2 \ U3 (dropouts), returns this client's shares of b_v for
   * each survivor v and of s_v for each dropout v. Refuses, and aborts, if the request does not
   * partition this client's U2 exactly, if U3 is smaller than the threshold or excludes this
   * client, or if any peer would get both kinds of share revealed.
   */
  public UnmaskResponse unmask(UnmaskRequest request) {
    expect(State.INPUT_MASKED, "unmask");
    try {
      config.requireRound("unmask request", request.roundId());
      int[] survivors = request.survivors();
      int[] dropouts = request.dropouts();
      boolean[] listed = new boolean[config.clientCount() + 1];
      for (int v : survivors) {
        checkListed("survivor", v, listed);
        reveal(v, REVEALED_SELF_MASK);
      }
      for (int v : dropouts) {
        checkListed("dropout", v, listed);
        reveal(v, REVEALED_KEY);
      }
      for (int v = 1; v <= config.clientCount(); v++) {
        if (inU2[v] && !listed[v]) {
          throw new SecAggException(
              "unmask request neither lists client " + v + " as survivor nor as dropout");
        }
      }
      if (revealed[id] != REVEALED_SELF_MASK) {
        throw new SecAggException("unmask request does not list client " + id + " as a survivor");
      }
      requireThreshold("surviving clients (U3)", survivors.length);

      byte[][] selfMaskShares = new byte[survivors.length][];
      for (int i = 0; i < survivors.length; i++) {
        selfMaskShares[i] = heldSelfMaskShares[survivors[i]];
      }
      byte[][] keyShares = new byte[dropouts.length][];
      for (int i = 0; i < dropouts.length; i++) {
        keyShares[i] = heldKeyShares[dropouts[i]];
      }
      state = State.UNMASKED;
      return new UnmaskResponse(
          config.roundId(), id, survivors, selfMaskShares, dropouts, keyShares);
    } catch (RuntimeException e) {
      throw abort(e);
    }
  }

  private void checkListed(String role, int v, boolean[] listed) {
    config.requireClientId("unmask request " + role, v);
    if (!inU2[v]) {
      throw new SecAggException(
          "unmask request lists client " + v + " as " + role + " but it did not share keys (U2)");
    }
    listed[v] = true;
  }

  /** Records that a share of {@code kind} for {@code owner} is revealed; refuses the other kind. */
  private void reveal(int owner, byte kind) {
    byte before = revealed[owner];
    if (before != REVEALED_NOTHING && before != kind) {
      throw new SecAggException(
          "refusing to reveal both the self-mask share and the masking-key share of client "
              + owner);
    }
    if (before == kind) {
      throw new SecAggException("unmask request lists client " + owner + " twice");
    }
    revealed[owner] = kind;
  }

  private void expect(State expected, String action) {
    if (state != expected) {
      throw new SecAggException(
          "client " + id + " cannot " + action + " in state " + state + " (needs " + expected + ")");
    }
  }

  private void requireLength(int length) {
    if (length != config.vectorLength()) {
      throw new SecAggException(
          "input has " + length + " coordinates, the round expects " + config.vectorLength());
    }
  }

  private void requireThreshold(String what, int count) {
    if (count < config.threshold()) {
      throw new SecAggException(
          "only " + count + " " + what + ", fewer than the threshold " + config.threshold()
              + "; round aborted");
    }
  }

  private SecAggException abort(RuntimeException e) {
    state = State.ABORTED;
    if (selfMaskSeed != null) {
      Arrays.fill(selfMaskSeed, (byte) 0);
    }
    return e instanceof SecAggException s
        ? s
        : new SecAggException("client " + id + " aborted: " + e, e);
  }

  private static int[] idsWhere(byte[][] byId) {
    int count = 0;
    for (byte[] b : byId) {
      if (b != null) {
        count++;
      }
    }
    int[] ids = new int[count];
    int k = 0;
    for (int i = 0; i < byId.length; i++) {
      if (byId[i] != null) {
        ids[k++] = i;
      }
    }
    return ids;
  }
}
