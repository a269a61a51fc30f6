package io.fedge.federation.vertical.relay;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.RoundKeyPair;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A party's X25519 key for one vertical job, signed with its device key and carrying its
 * certificate chain, so that the other parties can seal messages that only it can read and the
 * relaying hub cannot substitute a key of its own. Sent to the hub, which forwards it to every other
 * party of the job.
 *
 * @param jobId the job
 * @param party the device id
 * @param publicKey 32-byte X25519 public key, fresh per job
 * @param chain DER certificates, the device's first
 * @param signature ECDSA P-256 / SHA-256 over {@value #DOMAIN}, then jobId, party and publicKey,
 *     each preceded by its 4-byte big-endian length
 */
public record KeyAnnouncement(String jobId, String party, byte[] publicKey, List<byte[]> chain, byte[] signature) {
  public static final String DOMAIN = "fedge/v1 vertical party key";

  public static KeyAnnouncement sign(String jobId, String party, RoundKeyPair key, List<X509Certificate> chain,
      PrivateKey deviceKey, SecureRandom random) {
    byte[] pub = key.publicKey();
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(deviceKey, random);
      feed(s, jobId, party, pub);
      List<byte[]> der = new ArrayList<>();
      for (X509Certificate c : chain) {
        der.add(c.getEncoded());
      }
      return new KeyAnnouncement(jobId, party, pub, der, s.sign());
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot sign the vertical party key", e);
    }
  }

  /**
   * Checks the chain names {@code party} ({@link PeerCertificates}) and the signature, and returns
   * the device's signing key (which then verifies its sealed messages).
   */
  public PublicKey verify(String expectedJob, PeerCertificates certificates) {
    if (!expectedJob.equals(jobId)) {
      throw new CryptoException("key announcement for job " + jobId + " arrived in job " + expectedJob);
    }
    if (publicKey == null || publicKey.length != RoundKeyPair.KEY_BYTES) {
      throw new CryptoException("the party key of " + party + " must be 32 bytes (X25519)");
    }
    if (chain == null || chain.isEmpty() || chain.size() > 4) {
      throw new CryptoException("a key announcement carries 1 to 4 certificates");
    }
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] d : chain) {
        if (d.length > 16 * 1024) {
          throw new CryptoException("certificate of " + d.length + " bytes is too large");
        }
        certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(d)));
      }
    } catch (CertificateException e) {
      throw new CryptoException("key announcement of " + party + " carries an unreadable certificate", e);
    }
    PublicKey deviceKey = certificates.verifiedKey(party, certs);
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(deviceKey);
      feed(s, jobId, party, publicKey);
      if (!s.verify(signature)) {
        throw new CryptoException("the key announcement of " + party + " is not signed by its device key");
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof CryptoException c) {
        throw c;
      }
      throw new CryptoException("the key announcement of " + party + " has a bad signature", e);
    }
    return deviceKey;
  }

  private static void feed(Signature s, String jobId, String party, byte[] pub) throws GeneralSecurityException {
    s.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
    for (byte[] part : new byte[][] {jobId.getBytes(StandardCharsets.UTF_8), party.getBytes(StandardCharsets.UTF_8),
        pub}) {
      s.update(ByteBuffer.allocate(4).putInt(part.length).array());
      s.update(part);
    }
  }
}
