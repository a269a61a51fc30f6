package io.fedge.agent;

import io.fedge.agent.data.DataConfig;
import io.fedge.agent.dashboard.DashboardSettings;
import io.fedge.federation.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of the agent, read once at boot. Keys and defaults are in docs/configuration.md;
 * environment variables {@code FEDGE_AGENT_<KEY>} override the file.
 */
public record AgentConfig(
    Path dataDir,
    Path claimBundle,
    String dashboardBind,
    int dashboardPort,
    Duration heartbeatInterval,
    int keepAliveSeconds,
    long sessionExpirySeconds,
    Duration backoffBase,
    Duration backoffCap,
    long outboxMaxRows,
    String agentVersion,
    Duration ledgerWatchInterval,
    io.fedge.agent.ota.OtaSettings ota,
    DataConfig data,
    DashboardSettings dashboard,
    java.util.List<io.fedge.agent.consent.ConfiguredPolicy> consentPolicies,
    String metricsToken) {

  public static final String ENV_PREFIX = "FEDGE_AGENT";

  /** Bearer token for /metrics on the dashboard port; without one, only loopback clients may scrape. */
  private static String metricsToken(Settings s) {
    String t = s.string("metrics.token", null);
    if (t != null && t.length() < 20) {
      throw new Settings.ConfigException("metrics.token must be at least 20 characters (e.g. openssl rand -base64 32)");
    }
    return t;
  }

  public static AgentConfig from(Settings s, Path dataDirOverride) {
    Path data = dataDirOverride != null ? dataDirOverride : s.path("data.dir", Path.of(".fedge", "agent"));
    data = data.toAbsolutePath().normalize();
    String version = AgentConfig.class.getPackage().getImplementationVersion();
    AgentConfig c =
        new AgentConfig(
            data,
            s.path("claim.bundle", data.resolve("claim.json")),
            s.string("dashboard.bind", "127.0.0.1"),
            s.integer("dashboard.port", 8080, 0, 65535),
            s.duration("heartbeat.interval", Duration.ofSeconds(15), Duration.ofSeconds(1)),
            s.integer("mqtt.keepalive", 30, 5, 3600),
            s.integer("mqtt.session.expiry", 7 * 24 * 3600, 0, Integer.MAX_VALUE),
            s.duration("backoff.base", Duration.ofMillis(500), Duration.ofMillis(50)),
            s.duration("backoff.cap", Duration.ofSeconds(60), Duration.ofMillis(100)),
            s.integer("outbox.max.rows", 100_000, 100, 10_000_000),
            s.string("agent.version", version == null ? "0.1.0-dev" : version),
            s.duration("ledger.watch.interval", Duration.ofSeconds(60), Duration.ofMillis(200)),
            io.fedge.agent.ota.OtaSettings.from(s),
            DataConfig.from(s, data),
            DashboardSettings.from(s),
            io.fedge.agent.consent.ConfiguredPolicy.from(s),
            metricsToken(s));
    s.rejectUnknownKeys();
    return c;
  }
}
