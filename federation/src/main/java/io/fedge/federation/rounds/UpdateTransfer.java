package io.fedge.federation.rounds;

import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.SealedEnvelope;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What a device uploads for a round (the bytes that are chunked): its certificate chain, so the
 * hub can check the signing key against its CA even after a key rotation, then the sealed
 * envelope. Binary: {@code "FUT1"}, u8 certificate count, per certificate u32 length and DER, then
 * the rest is {@link SealedEnvelope#toBytes()}.
 */
public record UpdateTransfer(List<X509Certificate> chain, SealedEnvelope envelope) {
  private static final int MAGIC = 0x46555431; // "FUT1"

  public byte[] encode() {
    try {
      List<byte[]> ders = new ArrayList<>();
      int size = 4 + 1;
      for (X509Certificate c : chain) {
        byte[] d = c.getEncoded();
        ders.add(d);
        size += 4 + d.length;
      }
      byte[] env = envelope.toBytes();
      ByteBuffer b = ByteBuffer.allocate(size + env.length);
      b.putInt(MAGIC).put((byte) ders.size());
      for (byte[] d : ders) {
        b.putInt(d.length).put(d);
      }
      b.put(env);
      return b.array();
    } catch (CertificateEncodingException e) {
      throw new CryptoException("cannot encode the device certificate", e);
    }
  }

  public static UpdateTransfer decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.getInt() != MAGIC) {
        throw new CryptoException("not an update transfer (bad magic)");
      }
      int n = Byte.toUnsignedInt(b.get());
      if (n < 1 || n > 4) {
        throw new CryptoException("an update carries 1 to 4 certificates, not " + n);
      }
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int len = b.getInt();
        if (len < 1 || len > 16 * 1024 || len > b.remaining()) {
          throw new CryptoException("certificate length " + len + " is invalid");
        }
        byte[] der = new byte[len];
        b.get(der);
        chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
      }
      byte[] rest = new byte[b.remaining()];
      b.get(rest);
      return new UpdateTransfer(List.copyOf(chain), SealedEnvelope.parse(rest));
    } catch (java.nio.BufferUnderflowException e) {
      throw new CryptoException("update transfer is truncated");
    } catch (CertificateException e) {
      throw new CryptoException("update carries an unreadable certificate", e);
    }
  }
}
