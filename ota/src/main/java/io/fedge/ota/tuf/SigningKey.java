package io.fedge.ota.tuf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

/**
 * An Ed25519 signing key of one role, as held on the operator's machine (never on the hub). Its
 * file is a small properties file, owner-only (0600):
 *
 * <pre>
 * role=targets
 * keyid=&lt;hex SHA-256 of the public key&gt;
 * public=&lt;hex raw public key&gt;
 * private=&lt;base64 PKCS#8&gt;
 * </pre>
 */
public record SigningKey(String role, String keyId, byte[] publicRaw, PrivateKey privateKey) {

  public static SigningKey generate(String role) {
    KeyPair kp = Ed25519.generate();
    byte[] raw = Ed25519.raw(kp.getPublic());
    return new SigningKey(role, Ed25519.keyIdOfRaw(raw), raw, kp.getPrivate());
  }

  public Roles.Key publicKey() {
    return Roles.Key.ed25519(publicRaw);
  }

  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Fedge OTA signing key: keep it off the hub, readable by its owner only\n");
    sb.append("role=").append(role).append('\n');
    sb.append("keyid=").append(keyId).append('\n');
    sb.append("public=").append(HexFormat.of().formatHex(publicRaw)).append('\n');
    sb.append("private=").append(Base64.getEncoder().encodeToString(privateKey.getEncoded())).append('\n');
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public static SigningKey read(Path file) throws IOException {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String role = p.getProperty("role");
    String pub = p.getProperty("public");
    String priv = p.getProperty("private");
    if (role == null || pub == null || priv == null) {
      throw new IOException(file + " is not a Fedge OTA key file (needs role, public, private)");
    }
    byte[] raw = HexFormat.of().parseHex(pub.trim());
    PrivateKey key = Ed25519.privateKey(Base64.getDecoder().decode(priv.trim()));
    byte[] probe = "fedge-ota key check".getBytes(StandardCharsets.UTF_8);
    if (!Ed25519.verify(raw, probe, Ed25519.sign(key, probe))) {
      throw new IOException(file + ": the private key does not match the public key");
    }
    return new SigningKey(role.trim(), Ed25519.keyIdOfRaw(raw), raw, key);
  }

  @Override
  public String toString() {
    return "SigningKey[" + role + " " + keyId.substring(0, 12) + "]";
  }
}
