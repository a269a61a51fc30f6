package io.fedge.hub.console;

import io.fedge.federation.config.Settings;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.provisioning.auth.PasswordHasher;
import java.time.Duration;

/**
 * The ops console's settings ({@code console.*}, see docs/configuration.md).
 *
 * @param adminUser name of the first admin, made at the first start
 * @param adminPassword the first admin's password; null: a one-time password is generated
 * @param heartbeatRetention how long the heartbeat history behind the device charts is kept
 */
public record ConsoleSettings(
    String adminUser, String adminPassword, ConsoleAuth.Settings auth, Duration heartbeatRetention) {

  public static ConsoleSettings from(Settings s) {
    return new ConsoleSettings(
        s.string("console.admin.user", "admin"),
        s.string("console.admin.password", null),
        new ConsoleAuth.Settings(
            s.duration("console.session.idle", Duration.ofMinutes(30), Duration.ofMinutes(1)),
            s.duration("console.session.absolute", Duration.ofHours(12), Duration.ofMinutes(1)),
            new LockoutPolicy(
                s.integer("console.lockout.threshold", 5, 1, 1000),
                s.duration("console.lockout.base", Duration.ofSeconds(30), Duration.ofSeconds(1)),
                s.duration("console.lockout.max", Duration.ofHours(1), Duration.ofSeconds(1))),
            s.integer("console.password.min.length", 12, 10, 1024),
            s.integer("console.pbkdf2.iterations", PasswordHasher.DEFAULT_ITERATIONS, PasswordHasher.DEFAULT_ITERATIONS, 100_000_000)),
        s.duration("console.heartbeat.retention", Duration.ofDays(7), Duration.ofMinutes(1)));
  }
}
