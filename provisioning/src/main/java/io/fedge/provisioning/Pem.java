package io.fedge.provisioning;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM for certificates, PKCS#8 private keys and PKCS#10 requests, and the two ways provisioning
 * writes files: {@link #writeSecret} (0600, atomic) and {@link #writePublic} (0644, atomic).
 */
public final class Pem {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

  private Pem() {}

  // ---------------------------------------------------------------- writing PEM

  public static String certificate(X509Certificate cert) {
    return write(cert);
  }

  /** A certificate revocation list as one {@code X509 CRL} PEM block. */
  public static String crl(java.security.cert.X509CRL crl) {
    return write(crl);
  }

  /** Concatenated PEM blocks, in list order (leaf first for a chain). */
  public static String certificates(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      sb.append(write(c));
    }
    return sb.toString();
  }

  /** Unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). Treat the result as a secret. */
  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalArgumentException("private key cannot be encoded as PKCS#8", e);
    }
  }

  public static String csr(PKCS10CertificationRequest csr) {
    return write(csr);
  }

  private static String write(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode " + o.getClass().getSimpleName() + " as PEM", e);
    }
    return sw.toString();
  }

  // ---------------------------------------------------------------- reading PEM

  /** All certificates in {@code pem}, in order; at least one. */
  public static List<X509Certificate> readCertificates(String pem) {
    List<Object> objects = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = p.readObject()) != null) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("PEM certificate data is malformed", e);
    }
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate found");
    }
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : objects) {
      if (!(o instanceof X509CertificateHolder)) {
        throw new IllegalArgumentException(
            "PEM holds a " + o.getClass().getSimpleName() + " where a certificate was expected");
      }
      try {
        out.add(conv.getCertificate((X509CertificateHolder) o));
      } catch (CertificateException e) {
        throw new IllegalArgumentException("PEM certificate cannot be decoded", e);
      }
    }
    return out;
  }

  /** Exactly one certificate. */
  public static X509Certificate readCertificate(String pem) {
    List<X509Certificate> certs = readCertificates(pem);
    if (certs.size() != 1) {
      throw new IllegalArgumentException("expected one certificate, found " + certs.size());
    }
    return certs.get(0);
  }

  /** A PKCS#8 {@code PRIVATE KEY} (or a legacy {@code EC PRIVATE KEY}) block; never echoes content. */
  public static PrivateKey readPrivateKey(String pem) {
    Object o;
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      o = p.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("PEM private key is malformed");
    }
    try {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo) {
        return conv.getPrivateKey((PrivateKeyInfo) o);
      }
      if (o instanceof PEMKeyPair) {
        return conv.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("PEM private key cannot be decoded");
    }
    throw new IllegalArgumentException("no unencrypted PEM private key found");
  }

  public static PKCS10CertificationRequest readCsr(String pem) {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof PKCS10CertificationRequest) {
        return (PKCS10CertificationRequest) o;
      }
      throw new IllegalArgumentException("no PEM certificate request found");
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM certificate request is malformed", e);
    }
  }

  // ---------------------------------------------------------------- files

  /**
   * Atomically writes {@code content} to {@code file} readable by the owner only (0600 on POSIX
   * file systems): a temporary file is created in the same directory with 0600 from the start,
   * written and forced to disk, then moved over {@code file} with ATOMIC_MOVE.
   */
  public static void writeSecret(Path file, String content) throws IOException {
    writeAtomically(file, content.getBytes(StandardCharsets.UTF_8), SECRET);
  }

  /** Like {@link #writeSecret} but world-readable (0644): certificates and other public data. */
  public static void writePublic(Path file, String content) throws IOException {
    writeAtomically(file, content.getBytes(StandardCharsets.UTF_8), PUBLIC);
  }

  /** Reads a small text file, refusing anything larger than {@code maxBytes}. */
  public static String readSmall(Path file, int maxBytes) throws IOException {
    long size = Files.size(file);
    if (size > maxBytes) {
      throw new IOException(file + " is " + size + " bytes, more than the " + maxBytes + " allowed");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> perms) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    Path tmp = null;
    for (int attempt = 0; tmp == null; attempt++) {
      byte[] r = new byte[6];
      RANDOM.nextBytes(r);
      Path candidate = dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(r) + ".tmp");
      try {
        if (posix) {
          FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(perms);
          tmp = Files.createFile(candidate, attr);
          // The umask may have removed bits we asked for; never added any. Set exactly.
          Files.setPosixFilePermissions(tmp, perms);
        } else {
          tmp = Files.createFile(candidate);
        }
      } catch (FileAlreadyExistsException e) {
        if (attempt > 10) {
          throw e;
        }
      }
    }
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system of " + dir + " cannot replace files atomically", e);
      }
      tmp = null;
      syncDirectory(dir);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Creates {@code dir} (and parents) if missing and makes it owner-only (0700) where the file
   * system has POSIX modes. The one way the project makes a directory that holds secrets.
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir);
      return;
    }
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
    }
    Files.setPosixFilePermissions(dir, owner);
  }

  /** Best effort: makes a rename durable on Linux; silently unsupported elsewhere. */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not all platforms allow opening a directory; the rename itself is still atomic.
    }
  }
}
