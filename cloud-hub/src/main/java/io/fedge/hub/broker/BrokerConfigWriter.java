package io.fedge.hub.broker;

import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Writes the HiveMQ configuration folder: {@code config.xml} plus a PKCS#12 key store (server key
 * and chain) and trust store (client CA root). All three files are created owner-read/write only,
 * because the configuration names the store password; the folder itself is owner-only.
 */
final class BrokerConfigWriter {

  static final String CONFIG_FILE = "config.xml";
  static final String KEYSTORE_FILE = "server-keystore.p12";
  static final String TRUSTSTORE_FILE = "client-truststore.p12";

  /** Session expiry cap: a device may stay offline this long and still find its queued messages. */
  static final long MAX_SESSION_EXPIRY_SECONDS = 7L * 24 * 60 * 60;
  /** QoS 1/2 publishes a client may have in flight towards the broker (HiveMQ's default is 10). */
  static final int SERVER_RECEIVE_MAXIMUM = 100;
  /** Messages queued per offline persistent session before new ones are dropped. */
  static final long MAX_QUEUED_MESSAGES = 1000;
  static final int MAX_KEEP_ALIVE_SECONDS = 600;
  static final int TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
  static final int NO_CONNECT_IDLE_TIMEOUT_MS = 10_000;
  /** Device and service ids are at most 64 characters. */
  static final int MAX_CLIENT_ID_LENGTH = 64;

  private static final String KEY_ALIAS = "fedge-broker";
  private static final String TRUST_ALIAS = "fedge-client-root";

  private BrokerConfigWriter() {}

  /**
   * Writes everything HiveMQ needs to {@code confDir} for a listener on {@code port}, replacing
   * earlier files. Returns the store password, which {@link #replaceKeystore} needs.
   */
  static String write(BrokerSettings settings, int port, Path confDir, Path dataDir)
      throws IOException, GeneralSecurityException {
    Pem.createPrivateDirectories(confDir);
    String password = newPassword();
    char[] pw = password.toCharArray();

    Path keystore = confDir.resolve(KEYSTORE_FILE);
    try (OutputStream out = newPrivateFile(keystore)) {
      writeKeystore(out, settings.serverKey(), settings.serverChain(), pw);
    }

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(TRUST_ALIAS, settings.clientTrustRoot());
    Path truststore = confDir.resolve(TRUSTSTORE_FILE);
    try (OutputStream out = newPrivateFile(truststore)) {
      trust.store(out, pw);
    }

    String xml = configXml(settings, port, keystore, truststore, password);
    try (OutputStream out = newPrivateFile(confDir.resolve(CONFIG_FILE))) {
      out.write(xml.getBytes(StandardCharsets.UTF_8));
    }
    Files.createDirectories(dataDir);
    return password;
  }

  /**
   * Replaces the server key store in {@code confDir} with one holding {@code key} and {@code
   * chain}, under the same password: written to a private temporary file beside it, then moved
   * over it atomically, so HiveMQ (which re-reads the store when its content changes, every 10 s)
   * never sees a half-written file.
   */
  static void replaceKeystore(Path confDir, PrivateKey key, List<X509Certificate> chain, String password)
      throws IOException, GeneralSecurityException {
    Path keystore = confDir.resolve(KEYSTORE_FILE);
    Path tmp = confDir.resolve(KEYSTORE_FILE + ".new");
    try {
      try (OutputStream out = newPrivateFile(tmp)) {
        writeKeystore(out, key, chain, password.toCharArray());
      }
      Files.move(tmp, keystore, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeKeystore(OutputStream out, PrivateKey key, List<X509Certificate> chain, char[] pw)
      throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(KEY_ALIAS, key, pw, chain.toArray(X509Certificate[]::new));
    keys.store(out, pw);
  }

  /** Removes the generated files (they hold the server key and its store password). */
  static void deleteSecrets(Path confDir) throws IOException {
    Files.deleteIfExists(confDir.resolve(CONFIG_FILE));
    Files.deleteIfExists(confDir.resolve(KEYSTORE_FILE));
    Files.deleteIfExists(confDir.resolve(TRUSTSTORE_FILE));
  }

  static String configXml(
      BrokerSettings settings, int port, Path keystore, Path truststore, String password) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Generated by Fedge at every broker start; edits are overwritten. -->
        <hivemq>
            <listeners>
                <tls-tcp-listener>
                    <port>%d</port>
                    <bind-address>%s</bind-address>
                    <name>fedge-mqtts</name>
                    <tls>
                        <keystore>
                            <path>%s</path>
                            <password>%s</password>
                            <private-key-password>%s</private-key-password>
                        </keystore>
                        <truststore>
                            <path>%s</path>
                            <password>%s</password>
                        </truststore>
                        <protocols>
                            <protocol>TLSv1.3</protocol>
                            <protocol>TLSv1.2</protocol>
                        </protocols>
                        <handshake-timeout>%d</handshake-timeout>
                        <client-authentication-mode>REQUIRED</client-authentication-mode>
                    </tls>
                </tls-tcp-listener>
            </listeners>
            <mqtt>
                <queued-messages>
                    <max-queue-size>%d</max-queue-size>
                    <strategy>discard</strategy>
                </queued-messages>
                <session-expiry>
                    <max-interval>%d</max-interval>
                </session-expiry>
                <keep-alive>
                    <max-keep-alive>%d</max-keep-alive>
                    <allow-unlimited>false</allow-unlimited>
                </keep-alive>
                <packets>
                    <max-packet-size>%d</max-packet-size>
                </packets>
                <receive-maximum>
                    <server-receive-maximum>%d</server-receive-maximum>
                </receive-maximum>
                <shared-subscriptions>
                    <enabled>true</enabled>
                </shared-subscriptions>
            </mqtt>
            <restrictions>
                <max-client-id-length>%d</max-client-id-length>
                <max-topic-length>%d</max-topic-length>
                <no-connect-idle-timeout>%d</no-connect-idle-timeout>
            </restrictions>
            <security>
                <allow-empty-client-id>
                    <enabled>false</enabled>
                </allow-empty-client-id>
                <utf8-validation>
                    <enabled>true</enabled>
                </utf8-validation>
            </security>
            <persistence>
                <mode>file</mode>
            </persistence>
            <anonymous-usage-statistics>
                <enabled>false</enabled>
            </anonymous-usage-statistics>
        </hivemq>
        """
        .formatted(
            port,
            xml(settings.bindAddress()),
            xml(keystore.toAbsolutePath().toString()),
            password,
            password,
            xml(truststore.toAbsolutePath().toString()),
            password,
            TLS_HANDSHAKE_TIMEOUT_MS,
            MAX_QUEUED_MESSAGES,
            MAX_SESSION_EXPIRY_SECONDS,
            MAX_KEEP_ALIVE_SECONDS,
            settings.maxPacketBytes(),
            SERVER_RECEIVE_MAXIMUM,
            MAX_CLIENT_ID_LENGTH,
            TopicAcl.MAX_TOPIC_LENGTH,
            NO_CONNECT_IDLE_TIMEOUT_MS);
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String xml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code file} afresh with mode 0600 (where the file system has modes). */
  private static OutputStream newPrivateFile(Path file) throws IOException {
    Files.deleteIfExists(file);
    if (posix()) {
      FileAttribute<Set<PosixFilePermission>> mode =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      Files.createFile(file, mode);
    } else {
      Files.createFile(file);
    }
    return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
