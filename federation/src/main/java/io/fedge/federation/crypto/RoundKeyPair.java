package io.fedge.federation.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The X25519 key pair a hub makes for one round: participants encrypt their updates to the public
 * half with HPKE ({@link SealedEnvelope}); only the hub holding the private half can open them.
 * The private half is kept in the hub database so that a restarted hub can still open what was
 * sent before it stopped.
 */
public final class RoundKeyPair {
  public static final int KEY_BYTES = 32;
  private final byte[] privateKey;
  private final byte[] publicKey;

  private RoundKeyPair(byte[] privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  public static RoundKeyPair generate(SecureRandom random) {
    X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(random);
    return new RoundKeyPair(sk.getEncoded(), sk.generatePublicKey().getEncoded());
  }

  /** Restores a key pair from its 32-byte private key (as stored by the hub). */
  public static RoundKeyPair fromPrivate(byte[] privateKey) {
    if (privateKey == null || privateKey.length != KEY_BYTES) {
      throw new CryptoException("a round private key is 32 bytes");
    }
    X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(privateKey, 0);
    return new RoundKeyPair(privateKey.clone(), sk.generatePublicKey().getEncoded());
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The raw private key; only for the hub's own store. Never log it. */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  AsymmetricCipherKeyPair asBouncyCastle() {
    X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(privateKey, 0);
    return new AsymmetricCipherKeyPair(new X25519PublicKeyParameters(publicKey, 0), sk);
  }

  @Override
  public String toString() {
    return "RoundKeyPair[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoundKeyPair k && Arrays.equals(k.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }
}
