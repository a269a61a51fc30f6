package io.fedge.hub.ledger;

import io.fedge.federation.ledger.NoteException;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.NoteVerifier;
import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's ledger signing key (Ed25519), made at first start and kept in {@code <data>/ledger/}:
 *
 * <ul>
 *   <li>{@code ledger-key.pem}: the PKCS#8 private key, mode 0600 (like the CA keys);
 *   <li>{@code ledger-key.pub}: the C2SP verifier key text {@code <origin>+<key id>+<base64>},
 *       public: what devices pin and auditors compare out of band.
 * </ul>
 *
 * The origin (the key's name, the first line of every checkpoint) is fixed when the key is made;
 * a later change of the {@code ledger.origin} setting does not rename an existing log.
 */
public final class LedgerKey {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerKey.class);
  static final String PRIVATE_FILE = "ledger-key.pem";
  static final String PUBLIC_FILE = "ledger-key.pub";
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private LedgerKey() {}

  /** Loads the key from {@code dir}, or makes one named {@code origin} if there is none. */
  public static NoteSigner loadOrCreate(Path dir, String origin) throws IOException {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    if (Files.exists(priv) && Files.exists(pub)) {
      NoteSigner s = load(priv, pub);
      if (!s.name().equals(origin)) {
        LOG.warn("ledger.origin is {} but the existing log is named {}; keeping {}", origin, s.name(), s.name());
      }
      return s;
    }
    if (Files.exists(priv) || Files.exists(pub)) {
      throw new IOException("only one of " + priv + " and " + pub + " exists: restore both from the backup");
    }
    Pem.createPrivateDirectories(dir);
    KeyPair kp;
    try {
      kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Java 17 provides Ed25519", e);
    }
    NoteSigner s = new NoteSigner(origin, kp);
    Pem.writeSecret(priv, Pem.privateKey(kp.getPrivate()));
    Pem.writePublic(pub, s.verifier().encode() + "\n");
    LOG.info("made the ledger signing key {} (public key in {})", s.verifier().encode(), pub);
    return s;
  }

  private static NoteSigner load(Path priv, Path pub) throws IOException {
    NoteVerifier v;
    try {
      v = NoteVerifier.parse(Pem.readSmall(pub, 4096).trim());
    } catch (NoteException e) {
      throw new IOException(pub + " is not a ledger verifier key: " + e.getMessage(), e);
    }
    String pem = Pem.readSmall(priv, 16 * 1024);
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey key = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
      byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
      System.arraycopy(v.publicKey(), 0, spki, SPKI_PREFIX.length, 32);
      PublicKey pk = kf.generatePublic(new X509EncodedKeySpec(spki));
      NoteSigner s = new NoteSigner(v.name(), new KeyPair(pk, key));
      // The two files must belong together: sign a probe and check it with the public half.
      String probe = io.fedge.federation.ledger.SignedNote.sign("key check\n", s);
      io.fedge.federation.ledger.SignedNote.open(probe, v);
      return s;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(priv + " is not a readable Ed25519 private key", e);
    } catch (NoteException e) {
      throw new IOException(priv + " does not match the public key in " + pub + ": restore both from the backup", e);
    }
  }
}
