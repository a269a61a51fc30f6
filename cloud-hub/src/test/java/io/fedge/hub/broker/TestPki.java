package io.fedge.hub.broker;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests: a root CA, an intermediate CA under it, and leaf certificates for
 * devices ({@code CN=<id>, OU=device, O=Fedge}), services ({@code OU=service}) and a TLS server
 * ({@code CN=localhost} with SANs {@code 127.0.0.1} and {@code localhost}). EC P-256 throughout,
 * because key generation is fast.
 */
final class TestPki {

  /** A private key and its certificate chain, leaf first. */
  record Credential(PrivateKey key, List<X509Certificate> chain) {
    X509Certificate certificate() {
      return chain.get(0);
    }

    /** A client socket factory presenting this credential and trusting {@code trustRoot}. */
    SSLSocketFactory socketFactory(X509Certificate trustRoot) {
      try {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), trustManagers(trustRoot).getTrustManagers(), null);
        return context.getSocketFactory();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final Credential root;
  private final Credential intermediate;

  private TestPki(Credential root, Credential intermediate) {
    this.root = root;
    this.intermediate = intermediate;
  }

  /** A fresh root and intermediate whose names start with {@code name}. */
  static TestPki create(String name) {
    try {
      KeyPair rootKeys = newKeyPair();
      X500Name rootName = new X500Name("CN=" + name + " Root CA, O=Fedge");
      X509Certificate rootCert =
          sign(rootName, rootKeys.getPublic(), rootName, rootKeys.getPrivate(), null, caExtensions(1));
      Credential root = new Credential(rootKeys.getPrivate(), List.of(rootCert));

      KeyPair intKeys = newKeyPair();
      X500Name intName = new X500Name("CN=" + name + " Intermediate CA, O=Fedge");
      X509Certificate intCert =
          sign(intName, intKeys.getPublic(), rootName, rootKeys.getPrivate(), rootCert, caExtensions(0));
      Credential intermediate = new Credential(intKeys.getPrivate(), List.of(intCert, rootCert));
      return new TestPki(root, intermediate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  X509Certificate root() {
    return root.certificate();
  }

  Credential device(String id) {
    return leaf("CN=" + id + ", OU=device, O=Fedge", false);
  }

  Credential service(String id) {
    return leaf("CN=" + id + ", OU=service, O=Fedge", false);
  }

  Credential server() {
    return leaf("CN=localhost, OU=service, O=Fedge", true);
  }

  /** A client certificate with an arbitrary subject, issued by the intermediate. */
  Credential leaf(String subject, boolean server) {
    try {
      KeyPair keys = newKeyPair();
      X509Certificate issuer = intermediate.certificate();
      X509Certificate cert =
          sign(
              new X500Name(subject),
              keys.getPublic(),
              X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
              intermediate.key(),
              issuer,
              leafExtensions(server));
      return new Credential(keys.getPrivate(), List.of(cert, issuer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trust managers that accept chains ending at {@code trustRoot}. */
  static TrustManagerFactory trustManagers(X509Certificate trustRoot) throws GeneralSecurityException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", trustRoot);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      return tmf;
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A client socket factory with no client certificate at all, trusting {@code trustRoot}. */
  static SSLSocketFactory anonymousSocketFactory(X509Certificate trustRoot) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(trustRoot).getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder, JcaX509ExtensionUtils utils, PublicKey subjectKey)
        throws Exception;
  }

  private static Extensions caExtensions(int pathLength) {
    return (b, utils, key) -> {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    };
  }

  private static Extensions leafExtensions(boolean server) {
    return (b, utils, key) -> {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (server) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(
            new GeneralName(
                GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()));
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
    };
  }

  private static X509Certificate sign(
      X500Name subject,
      PublicKey subjectKey,
      X500Name issuerName,
      PrivateKey issuerKey,
      X509Certificate issuerCert,
      Extensions extensions)
      throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(2))),
            subject,
            subjectKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
    if (issuerCert != null) {
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert));
    }
    extensions.add(builder, utils, subjectKey);
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }
}
