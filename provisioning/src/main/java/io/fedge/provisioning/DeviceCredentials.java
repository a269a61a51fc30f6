package io.fedge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.api.MqttEndpoint;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device's identity after enrollment: its key, certificate chain, the hub's root, and where to
 * connect.
 *
 * <p><b>On disk.</b> Each save writes a new generation of files ({@code device-<gen>.key.pem}
 * with mode 0600, {@code device-<gen>.chain.pem}, {@code device-<gen>.root.pem}), then atomically
 * replaces {@code identity.json}, which names the generation and is the commit point. A crash at
 * any moment leaves {@code identity.json} pointing at either the old or the new complete set;
 * files of other generations are removed after the commit.
 *
 * @param chain {@code [device cert, intermediate, ...]}, leaf first
 */
public record DeviceCredentials(
    String deviceId,
    String group,
    PrivateKey privateKey,
    List<X509Certificate> chain,
    X509Certificate root,
    MqttEndpoint mqtt,
    Instant notAfter,
    Instant renewAfter,
    String hubUrl) {

  public static final String IDENTITY_FILE = "identity.json";
  private static final Pattern GENERATION = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern GENERATION_FILE = Pattern.compile("device-[0-9a-f]{16}\\.(key|chain|root)\\.pem");
  private static final int MAX_FILE = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  public DeviceCredentials {
    Ids.require("deviceId", deviceId);
    Ids.require("group", group);
    if (privateKey == null || chain == null || chain.isEmpty() || root == null || notAfter == null || renewAfter == null) {
      throw new IllegalArgumentException("device credentials are incomplete");
    }
    chain = List.copyOf(chain);
    hubUrl = ClaimBundle.validateHubUrl(hubUrl);
  }

  /** The device's own certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** True from {@link #renewAfter()} on. */
  public boolean shouldRenew(Instant now) {
    return !now.isBefore(renewAfter);
  }

  @Override
  public String toString() {
    return "DeviceCredentials[deviceId=" + deviceId + ", group=" + group + ", notAfter=" + notAfter
        + ", renewAfter=" + renewAfter + ", hubUrl=" + hubUrl + ", privateKey=<redacted>]";
  }

  // ---------------------------------------------------------------- persistence

  public void save(Path dir) throws IOException {
    Pem.createPrivateDirectories(dir);
    byte[] g = new byte[8];
    RANDOM.nextBytes(g);
    String gen = HexFormat.of().formatHex(g);
    Pem.writeSecret(dir.resolve(keyFile(gen)), Pem.privateKey(privateKey));
    Pem.writePublic(dir.resolve(chainFile(gen)), Pem.certificates(chain));
    Pem.writePublic(dir.resolve(rootFile(gen)), Pem.certificate(root));

    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("v", 1);
    n.put("generation", gen);
    n.put("deviceId", deviceId);
    n.put("group", group);
    n.put("hubUrl", hubUrl);
    n.put("notAfter", notAfter.toString());
    n.put("renewAfter", renewAfter.toString());
    if (mqtt != null) {
      n.set("mqtt", WireCodec.mapper().valueToTree(mqtt));
    }
    Pem.writePublic(
        dir.resolve(IDENTITY_FILE), WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n));
    removeOtherGenerations(dir, gen);
  }

  /**
   * The saved identity in {@code dir}, or empty if there is none. Throws if an identity is there
   * but unreadable or inconsistent (key does not match certificate, chain does not verify).
   */
  public static Optional<DeviceCredentials> load(Path dir) throws IOException {
    Path idFile = dir.resolve(IDENTITY_FILE);
    String json;
    try {
      json = Pem.readSmall(idFile, MAX_FILE);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode n = WireCodec.mapper().readTree(json);
      String gen = text(n, "generation");
      if (!GENERATION.matcher(gen).matches()) {
        throw new IOException("identity.json names an invalid generation");
      }
      PrivateKey key = Pem.readPrivateKey(Pem.readSmall(dir.resolve(keyFile(gen)), MAX_FILE));
      List<X509Certificate> chain = Pem.readCertificates(Pem.readSmall(dir.resolve(chainFile(gen)), MAX_FILE));
      X509Certificate root = Pem.readCertificate(Pem.readSmall(dir.resolve(rootFile(gen)), MAX_FILE));
      MqttEndpoint mqtt = n.hasNonNull("mqtt") ? WireCodec.mapper().treeToValue(n.get("mqtt"), MqttEndpoint.class) : null;
      DeviceCredentials c =
          new DeviceCredentials(
              text(n, "deviceId"),
              text(n, "group"),
              key,
              chain,
              root,
              mqtt,
              Instant.parse(text(n, "notAfter")),
              Instant.parse(text(n, "renewAfter")),
              text(n, "hubUrl"));
      c.checkConsistent();
      return Optional.of(c);
    } catch (IOException e) {
      throw new IOException("device identity in " + dir + " cannot be loaded: " + e.getMessage(), e);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IOException("device identity in " + dir + " is invalid: " + e.getMessage(), e);
    }
  }

  /** Key matches the leaf certificate, and each certificate is signed by the next, up to the root. */
  void checkConsistent() throws IOException {
    if (!CertificateAuthority.keyMatches(privateKey, certificate().getPublicKey())) {
      throw new IOException("private key does not match the device certificate");
    }
    try {
      for (int i = 0; i + 1 < chain.size(); i++) {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      }
      X509Certificate last = chain.get(chain.size() - 1);
      if (!last.equals(root)) {
        last.verify(root.getPublicKey());
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("certificate chain does not verify up to the stored root");
    }
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual()) {
      throw new IOException("identity.json lacks '" + field + "'");
    }
    return f.textValue();
  }

  private static String keyFile(String gen) {
    return "device-" + gen + ".key.pem";
  }

  private static String chainFile(String gen) {
    return "device-" + gen + ".chain.pem";
  }

  private static String rootFile(String gen) {
    return "device-" + gen + ".root.pem";
  }

  private static void removeOtherGenerations(Path dir, String keep) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (GENERATION_FILE.matcher(name).matches() && !name.startsWith("device-" + keep + ".")) {
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
