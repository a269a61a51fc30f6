package io.fedge.hub.config;

import io.fedge.federation.config.Settings;
import io.fedge.federation.wire.Ids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the hub, read once at start. Keys and defaults are documented in
 * docs/configuration.md; environment variables {@code FEDGE_HUB_<KEY>} override the file.
 */
public record HubConfig(
    Path dataDir,
    String replicaId,
    String httpBind,
    int httpPort,
    String mqttBind,
    int mqttPort,
    List<String> publicHosts,
    String mqttAdvertisedHost,
    int mqttAdvertisedPort,
    String dbUrl,
    String opsToken,
    Duration deviceCertLifetime,
    double enrollRatePerSource,
    int enrollBurst,
    double enrollRateGlobal,
    Duration heartbeatTimeout,
    Duration claimTokenDefaultTtl,
    io.fedge.hub.ledger.LedgerSettings ledger,
    io.fedge.hub.ota.OtaHubSettings ota,
    io.fedge.hub.console.ConsoleSettings console,
    String metricsToken,
    io.fedge.hub.tls.HubTlsSettings tls,
    io.fedge.hub.broker.external.ExternalBrokerSettings externalBroker) {

  public static final String ENV_PREFIX = "FEDGE_HUB";

  /** A bearer token Prometheus may scrape /metrics with, besides the ops token (docs/observability.md). */
  private static String metricsToken(Settings s) {
    String t = s.string("metrics.token", null);
    if (t != null && t.length() < 20) {
      throw new Settings.ConfigException("metrics.token must be at least 20 characters (e.g. openssl rand -base64 32)");
    }
    return t;
  }

  public static HubConfig from(Settings s, Path dataDirOverride) {
    Path data = dataDirOverride != null ? dataDirOverride : s.path("data.dir", Path.of(".fedge", "hub"));
    data = data.toAbsolutePath().normalize();
    String replica = s.string("replica.id", "hub-1");
    if (!Ids.isValid(replica) || !replica.startsWith("hub-")) {
      throw new Settings.ConfigException("replica.id must start with 'hub-' and use [a-z0-9-], got '" + replica + "'");
    }
    int httpPort = s.integer("http.port", 7443, 0, 65535);
    int mqttPort = s.integer("mqtt.port", 8883, 0, 65535);
    List<String> hosts = s.list("public.hosts", "localhost,127.0.0.1");
    if (hosts.isEmpty()) {
      throw new Settings.ConfigException("public.hosts must name at least one host name or IP address");
    }
    // broker.mode=external: devices are told the external broker's address unless mqtt.advertised.* say otherwise.
    io.fedge.hub.broker.external.ExternalBrokerSettings external =
        io.fedge.hub.broker.external.ExternalBrokerSettings.from(s, data);
    HubConfig c =
        new HubConfig(
            data,
            replica,
            s.string("http.bind", "127.0.0.1"),
            httpPort,
            s.string("mqtt.bind", "127.0.0.1"),
            mqttPort,
            hosts,
            s.string("mqtt.advertised.host", external != null ? external.host() : hosts.get(0)),
            s.integer("mqtt.advertised.port", external != null ? external.port() : mqttPort, 0, 65535),
            s.string("db.url", "jdbc:sqlite:" + data.resolve("hub.db")),
            s.string("ops.token", null),
            s.duration("device.cert.lifetime", Duration.ofDays(30), Duration.ofSeconds(15)),
            s.decimal("enroll.rate.per.source", 5.0, 0.01, 10_000),
            s.integer("enroll.burst", 20, 1, 100_000),
            s.decimal("enroll.rate.global", 200.0, 0.01, 100_000),
            s.duration("heartbeat.timeout", Duration.ofSeconds(90), Duration.ofSeconds(3)),
            s.duration("claim.token.default.ttl", Duration.ofDays(7), Duration.ofSeconds(1)),
            io.fedge.hub.ledger.LedgerSettings.from(s, hosts.get(0)),
            io.fedge.hub.ota.OtaHubSettings.from(s),
            io.fedge.hub.console.ConsoleSettings.from(s),
            metricsToken(s),
            io.fedge.hub.tls.HubTlsSettings.from(s),
            external);
    s.rejectUnknownKeys();
    return c;
  }
}
