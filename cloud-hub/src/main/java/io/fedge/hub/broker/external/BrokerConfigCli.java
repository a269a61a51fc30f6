package io.fedge.hub.broker.external;

import io.fedge.federation.config.Settings;
import io.fedge.hub.config.HubConfig;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fedge hub broker-config --out DIR [--config hub.properties] [--data DIR] [--host NAME]...
 * [--bind ADDR] [--replicas hub-1,hub-2] [--max-queued N] [--dynsec-plugin PATH|none]
 * [--cert-days N] [--run-as USER]}: writes a complete Mosquitto 2.0 configuration for the hub's external broker
 * (docs/operations.md, "External MQTT broker"). Reads the hub's configuration
 * ({@code broker.mode=external}), its CA and its database (for the current revocation list).
 */
public final class BrokerConfigCli {
  static final String DEFAULT_DYNSEC = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";

  private BrokerConfigCli() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (IllegalArgumentException | Settings.ConfigException e) {
      System.err.println("fedge hub broker-config: " + e.getMessage() + " (try --help)");
      System.exit(2);
    } catch (IOException | RuntimeException e) {
      System.err.println("fedge hub broker-config: failed: " + e);
      System.exit(1);
    }
  }

  public static void run(String[] args) throws IOException {
    Path out = null;
    Path configFile = null;
    Path data = null;
    List<String> hosts = new ArrayList<>();
    String bind = "0.0.0.0";
    List<String> replicas = null;
    int maxQueued = 1000;
    String dynsec = DEFAULT_DYNSEC;
    int certDays = 365;
    String runAs = "mosquitto";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--config" -> configFile = Path.of(value(args, ++i, a));
        case "--data" -> data = Path.of(value(args, ++i, a));
        case "--host" -> hosts.add(value(args, ++i, a));
        case "--bind" -> bind = value(args, ++i, a);
        case "--replicas" -> replicas = List.of(value(args, ++i, a).split(","));
        case "--max-queued" -> maxQueued = number(value(args, ++i, a), a, 1, 10_000_000);
        case "--dynsec-plugin" -> dynsec = value(args, ++i, a);
        case "--run-as" -> runAs = value(args, ++i, a);
        case "--cert-days" -> certDays = number(value(args, ++i, a), a, 1, 1825);
        case "--help", "-h" -> {
          System.out.println(
              "usage: fedge hub broker-config --out DIR [--config hub.properties] [--data DIR] [--host NAME]..."
                  + " [--bind 0.0.0.0] [--replicas hub-1,...] [--max-queued 1000]"
                  + " [--dynsec-plugin " + DEFAULT_DYNSEC + "|none] [--cert-days 365] [--run-as mosquitto]\n"
                  + "  writes mosquitto.conf, acl, dynamic-security.json, ca.crt, server.crt, server.key and data/"
                  + " for broker.external.url (docs/operations.md)");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    HubConfig config = HubConfig.from(Settings.load(configFile, HubConfig.ENV_PREFIX, System.getenv()), data);
    ExternalBrokerSettings ext = config.externalBroker();
    if (ext == null) {
      throw new IllegalArgumentException(
          "the hub configuration must set broker.mode=external and broker.external.url=ssl://HOST:PORT");
    }
    if (hosts.isEmpty()) {
      hosts.add(ext.host());
    }
    out = out.toAbsolutePath().normalize();
    Path dynsecPlugin = "none".equals(dynsec) ? null : Path.of(dynsec).toAbsolutePath();
    MosquittoConfig.Files files =
        new MosquittoConfig.Files(
            out.resolve("ca.crt"), out.resolve("server.crt"), out.resolve("server.key"), ext.crlFile(),
            out.resolve("acl"), out.resolve("dynamic-security.json"), out.resolve("data"));
    for (Path p : List.of(out, ext.crlFile(), dynsecPlugin == null ? out : dynsecPlugin)) {
      if (p.toString().chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("Mosquitto cannot read paths with white space: '" + p + "'");
      }
    }
    MosquittoConfig mc =
        new MosquittoConfig(
            bind, ext.port(), files, replicas == null ? List.of(config.replicaId()) : replicas, maxQueued,
            256 * 1024, dynsecPlugin, runAs);

    CertificateAuthority ca = CertificateAuthority.loadOrCreate(config.dataDir().resolve("ca"), Clock.systemUTC());
    Pem.createPrivateDirectories(out);
    Files.createDirectories(files.persistenceDir());
    KeyPair key = io.fedge.provisioning.EnrollmentClient.newDeviceKey();
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    for (String h : hosts) {
      (h.matches("[0-9.]+") || h.contains(":") ? ips : dns).add(h);
    }
    X509Certificate cert = ca.issueServer(key.getPublic(), dns, ips, Duration.ofDays(certDays));
    Pem.writePublic(files.caFile(), Pem.certificates(List.of(ca.intermediate(), ca.root())));
    Pem.writePublic(files.certFile(), Pem.certificates(List.of(cert, ca.intermediate())));
    Pem.writeSecret(files.keyFile(), Pem.privateKey(key.getPrivate()));
    Pem.writePublic(files.aclFile(), mc.aclFile());
    if (dynsecPlugin != null) {
      Pem.writeSecret(files.dynsecFile(), mc.dynsecJson());
    }
    Pem.writePublic(out.resolve("mosquitto.conf"), mc.mosquittoConf());

    int revoked;
    try (Database db = Database.open(config.dbUrl())) {
      Migrations.migrateToLatest(db);
      JdbcHubStore store = new JdbcHubStore(db);
      RevocationList crl =
          new RevocationList(ca, ext.crlFile(), ext.crlValidity(), () -> store
              .listDevices(new FleetStore.DeviceFilter(null, null, true, null)).stream()
              .map(DeviceView::certSerial).toList());
      revoked = crl.write();
    }
    System.out.println("wrote " + out.resolve("mosquitto.conf") + " (listener " + bind + ":" + ext.port()
        + ", server certificate for " + hosts + ", CRL " + ext.crlFile() + " with " + revoked + " revoked)");
    System.out.println("start it with: mosquitto -c " + out.resolve("mosquitto.conf"));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int number(String v, String flag, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be a number " + min + ".." + max + ", got '" + v + "'");
  }
}
