package io.fedge.agent.dashboard;

import io.fedge.agent.dashboard.auth.DashboardAuth;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.federation.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The dashboard's security settings ({@code dashboard.*} keys, docs/configuration.md).
 *
 * @param tlsCert PEM certificate chain; with {@code tlsKey}, the dashboard serves HTTPS only
 * @param tlsKey PEM private key (PKCS#8)
 */
public record DashboardSettings(DashboardAuth.Settings auth, Path tlsCert, Path tlsKey) {

  public DashboardSettings {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new Settings.ConfigException("dashboard.tls.cert and dashboard.tls.key go together: set both or neither");
    }
    for (Path p : new Path[] {tlsCert, tlsKey}) {
      if (p != null && !Files.isReadable(p)) {
        throw new Settings.ConfigException("dashboard TLS file " + p + " does not exist or is not readable");
      }
    }
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public static DashboardSettings defaults() {
    return new DashboardSettings(DashboardAuth.Settings.defaults(), null, null);
  }

  public static DashboardSettings from(Settings s) {
    DashboardAuth.Settings d = DashboardAuth.Settings.defaults();
    Duration idle = s.duration("dashboard.session.idle", d.idleTimeout(), Duration.ofMinutes(1));
    Duration absolute = s.duration("dashboard.session.absolute", d.absoluteTimeout(), Duration.ofMinutes(1));
    LockoutPolicy lock =
        new LockoutPolicy(
            s.integer("dashboard.lockout.threshold", d.lockout().threshold(), 1, 100),
            s.duration("dashboard.lockout.base", d.lockout().base(), Duration.ofSeconds(1)),
            s.duration("dashboard.lockout.max", d.lockout().max(), Duration.ofSeconds(1)));
    int minLen = s.integer("dashboard.password.min.length", d.minPasswordLength(), 8, 128);
    int iterations = s.integer("dashboard.password.iterations", d.pbkdf2Iterations(), 100_000, 10_000_000);
    try {
      return new DashboardSettings(
          new DashboardAuth.Settings(idle, absolute, lock, minLen, iterations),
          s.path("dashboard.tls.cert", null),
          s.path("dashboard.tls.key", null));
    } catch (IllegalArgumentException e) {
      throw new Settings.ConfigException(e.getMessage());
    }
  }
}
