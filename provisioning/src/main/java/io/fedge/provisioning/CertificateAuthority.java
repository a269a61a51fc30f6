package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's two-level EC P-256 certificate authority. The root (10 years, path length 1) signs
 * only the intermediate; the intermediate (5 years, path length 0) signs device, service and
 * server certificates. Keys live as PKCS#8 PEM files with mode 0600 in the CA directory, and
 * are never logged.
 */
public final class CertificateAuthority {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);

  public static final String ROOT_KEY = "root-ca.key.pem";
  public static final String ROOT_CERT = "root-ca.crt.pem";
  public static final String INTERMEDIATE_KEY = "intermediate-ca.key.pem";
  public static final String INTERMEDIATE_CERT = "intermediate-ca.crt.pem";
  private static final List<String> FILES = List.of(ROOT_KEY, INTERMEDIATE_KEY, ROOT_CERT, INTERMEDIATE_CERT);

  static final Duration ROOT_LIFETIME = Duration.ofDays(3653);
  static final Duration INTERMEDIATE_LIFETIME = Duration.ofDays(1826);
  /** Backdating, so a peer whose clock is a few minutes behind accepts a fresh certificate. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  static final String SIGNATURE = "SHA256withECDSA";
  /** URI SAN carrying the device group (informational; the store is authoritative). */
  public static final String GROUP_URI_PREFIX = "urn:fedge:group:";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_PEM = 64 * 1024;

  private final Clock clock;
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final PrivateKey intermediateKey;
  private final String rootFingerprint;

  private CertificateAuthority(
      Clock clock, X509Certificate root, X509Certificate intermediate, PrivateKey intermediateKey) {
    this.clock = clock;
    this.root = root;
    this.intermediate = intermediate;
    this.intermediateKey = intermediateKey;
    this.rootFingerprint = Hashes.fingerprint(root);
  }

  /**
   * Loads the CA from {@code dir}, or creates it there if the directory holds none of its files.
   * Refuses to start from a partial set of files rather than silently minting a new root (which
   * would orphan every enrolled device).
   */
  public static CertificateAuthority loadOrCreate(Path dir, Clock clock) throws IOException {
    Files.createDirectories(dir);
    List<String> present = new ArrayList<>();
    for (String f : FILES) {
      if (Files.exists(dir.resolve(f))) {
        present.add(f);
      }
    }
    if (present.size() == FILES.size()) {
      return load(dir, clock);
    }
    if (!present.isEmpty()) {
      throw new IOException(
          "certificate authority directory " + dir + " is incomplete: it holds " + present
              + " but needs " + FILES + ". Restore the missing files from backup; only if this CA never"
              + " issued a certificate, delete the remaining ones to create a new CA.");
    }
    return create(dir, clock);
  }

  private static CertificateAuthority load(Path dir, Clock clock) throws IOException {
    X509Certificate root = Pem.readCertificate(Pem.readSmall(dir.resolve(ROOT_CERT), MAX_PEM));
    X509Certificate inter = Pem.readCertificate(Pem.readSmall(dir.resolve(INTERMEDIATE_CERT), MAX_PEM));
    PrivateKey rootKey = Pem.readPrivateKey(Pem.readSmall(dir.resolve(ROOT_KEY), MAX_PEM));
    PrivateKey interKey = Pem.readPrivateKey(Pem.readSmall(dir.resolve(INTERMEDIATE_KEY), MAX_PEM));
    try {
      root.verify(root.getPublicKey());
      inter.verify(root.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IOException("CA certificates in " + dir + " do not form a chain: " + e.getMessage(), e);
    }
    if (!keyMatches(rootKey, root.getPublicKey()) || !keyMatches(interKey, inter.getPublicKey())) {
      throw new IOException("a CA private key in " + dir + " does not match its certificate");
    }
    CertificateAuthority ca = new CertificateAuthority(clock, root, inter, interKey);
    LOG.info("Loaded certificate authority from {} (root fingerprint {})", dir, ca.rootFingerprint);
    return ca;
  }

  private static CertificateAuthority create(Path dir, Clock clock) throws IOException {
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    Instant now = clock.instant();
    KeyPair rootKp = newKeyPair();
    KeyPair interKp = newKeyPair();
    X500Name rootName = name("Fedge Root CA", null);
    X500Name interName = name("Fedge Device CA", null);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder rb =
          new JcaX509v3CertificateBuilder(
              rootName, serial(), Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(ROOT_LIFETIME)),
              rootName, rootKp.getPublic());
      rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
      rb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      rb.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKp.getPublic()));
      X509Certificate root = sign(rb, rootKp.getPrivate());

      X509v3CertificateBuilder ib =
          new JcaX509v3CertificateBuilder(
              root, serial(), Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(INTERMEDIATE_LIFETIME)),
              interName, interKp.getPublic());
      ib.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ib.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ib.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(interKp.getPublic()));
      ib.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
      X509Certificate inter = sign(ib, rootKp.getPrivate());

      // Keys first, certificates last: loadOrCreate treats any subset as an error, never as "new".
      Pem.writeSecret(dir.resolve(ROOT_KEY), Pem.privateKey(rootKp.getPrivate()));
      Pem.writeSecret(dir.resolve(INTERMEDIATE_KEY), Pem.privateKey(interKp.getPrivate()));
      Pem.writePublic(dir.resolve(ROOT_CERT), Pem.certificate(root));
      Pem.writePublic(dir.resolve(INTERMEDIATE_CERT), Pem.certificate(inter));
      CertificateAuthority ca = new CertificateAuthority(clock, root, inter, interKp.getPrivate());
      LOG.info("Created certificate authority in {} (root fingerprint {})", dir, ca.rootFingerprint);
      return ca;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create CA certificates: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- accessors

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** Lower-case hex SHA-256 of the root certificate's DER: what claim bundles pin. */
  public String rootFingerprint() {
    return rootFingerprint;
  }

  /** {@code [leaf, intermediate, root]}. */
  public List<X509Certificate> chainFor(X509Certificate leaf) {
    return List.of(leaf, intermediate, root);
  }

  // ---------------------------------------------------------------- issuing

  /** A device client certificate: {@code CN=<deviceId>, OU=device, O=Fedge}, EKU clientAuth. */
  public X509Certificate issueDevice(PublicKey key, String deviceId, String group, Duration lifetime) {
    Ids.require("deviceId", deviceId);
    Ids.require("group", group);
    GeneralNames san = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, GROUP_URI_PREFIX + group));
    return issueLeaf(key, name(deviceId, Identity.Role.DEVICE.ou()), KeyPurposeId.id_kp_clientAuth, san, lifetime);
  }

  /** A service client certificate (e.g. the hub's own MQTT client): {@code OU=service}. */
  public X509Certificate issueService(PublicKey key, String serviceId, Duration lifetime) {
    Ids.require("serviceId", serviceId);
    return issueLeaf(key, name(serviceId, Identity.Role.SERVICE.ou()), KeyPurposeId.id_kp_clientAuth, null, lifetime);
  }

  /** A TLS server certificate with the given DNS and IP subject alternative names, EKU serverAuth. */
  public X509Certificate issueServer(
      PublicKey key, List<String> dnsNames, List<String> ipAddresses, Duration lifetime) {
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      if (dns == null || !dns.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
        throw new IllegalArgumentException("not a DNS name: " + dns);
      }
      names.add(new GeneralName(GeneralName.dNSName, dns.toLowerCase(java.util.Locale.ROOT)));
    }
    for (String ip : ipAddresses) {
      if (ip == null || !(ip.matches("[0-9.]+") || ip.contains(":"))) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
      try {
        // Literal addresses only: InetAddress does no lookup for these.
        names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
      } catch (IOException e) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
    }
    String cn = !dnsNames.isEmpty() ? dnsNames.get(0) : ipAddresses.get(0);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Fedge").addRDN(BCStyle.OU, "server").addRDN(BCStyle.CN, cn).build();
    return issueLeaf(
        key, subject, KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(GeneralName[]::new)), lifetime);
  }

  private X509Certificate issueLeaf(
      PublicKey key, X500Name subject, KeyPurposeId eku, GeneralNames san, Duration lifetime) {
    if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("certificate lifetime must be positive");
    }
    Instant now = clock.instant();
    Instant notAfter = now.plus(lifetime);
    Instant caNotAfter = intermediate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter; // never outlive the issuer
    }
    if (!notAfter.isAfter(now)) {
      throw new IllegalStateException("the intermediate CA has expired; rotate the CA");
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              intermediate, serial(), Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(intermediate));
      if (san != null) {
        b.addExtension(Extension.subjectAlternativeName, false, san);
      }
      return sign(b, intermediateKey);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot issue a certificate for this key: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- revocation list

  /**
   * A CRL of the device CA (the intermediate, which issues every device and service certificate)
   * listing {@code revokedSerials}, valid from now for {@code validity}. For brokers that check
   * client certificates against a CRL file (an external Mosquitto: docs/operations.md).
   */
  public java.security.cert.X509CRL issueCrl(java.util.Collection<BigInteger> revokedSerials, Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("CRL validity must be positive");
    }
    Instant now = clock.instant();
    try {
      org.bouncycastle.cert.X509v2CRLBuilder b =
          new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(intermediate.getSubjectX500Principal(), Date.from(now));
      b.setNextUpdate(Date.from(now.plus(validity)));
      for (BigInteger serial : revokedSerials) {
        b.addCRLEntry(serial, Date.from(now), org.bouncycastle.asn1.x509.CRLReason.privilegeWithdrawn);
      }
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(intermediate));
      b.addExtension(Extension.cRLNumber, false,
          new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
      return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter()
          .getCRL(b.build(new JcaContentSignerBuilder(SIGNATURE).build(intermediateKey)));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the revocation list: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- reading identities

  /**
   * The Fedge identity named by a client certificate's subject: exactly one CN (a valid id) and
   * exactly one OU ({@code device} or {@code service}). Does not check the signature.
   *
   * @throws IllegalArgumentException naming what is missing or invalid
   */
  public static Identity identityOf(X509Certificate cert) {
    return Identity.parse(cert.getSubjectX500Principal());
  }

  /** The group recorded in a device certificate's URI SAN, if any. Informational only. */
  public static Optional<String> groupOf(X509Certificate cert) {
    try {
      var sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(GeneralName.uniformResourceIdentifier).equals(san.get(0))
              && san.get(1) instanceof String
              && ((String) san.get(1)).startsWith(GROUP_URI_PREFIX)) {
            return Optional.of(((String) san.get(1)).substring(GROUP_URI_PREFIX.length()));
          }
        }
      }
      return Optional.empty();
    } catch (java.security.cert.CertificateParsingException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- helpers

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }

  /** Subject {@code CN=<cn>, OU=<ou>, O=Fedge} (RFC 4514 order; encoded O first). */
  private static X500Name name(String cn, String ou) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Fedge");
    if (ou != null) {
      b.addRDN(BCStyle.OU, ou);
    }
    return b.addRDN(BCStyle.CN, cn).build();
  }

  /** Random, positive, non-zero 128-bit serial. */
  static BigInteger serial() {
    BigInteger s;
    do {
      byte[] b = new byte[16];
      RANDOM.nextBytes(b);
      s = new BigInteger(1, b);
    } while (s.signum() == 0);
    return s;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create signer", e);
    }
  }

  static boolean keyMatches(PrivateKey priv, PublicKey pub) {
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature s = Signature.getInstance(SIGNATURE);
      s.initSign(priv);
      s.update(challenge);
      byte[] sig = s.sign();
      s.initVerify(pub);
      s.update(challenge);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String serialHex(X509Certificate cert) {
    return cert.getSerialNumber().toString(16);
  }
}
