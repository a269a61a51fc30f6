package io.fedge.hub.console;

import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.Principal;
import io.fedge.hub.api.Role;
import io.fedge.hub.api.SessionResolver;
import io.fedge.provisioning.Pem;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.provisioning.auth.LoginThrottle;
import io.fedge.provisioning.auth.PasswordHasher;
import io.fedge.provisioning.store.AuditEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console users and their sessions, as plain Java over {@link ConsoleStore}: the first admin with
 * a one-time password, login with lockout per account and per source address, sessions with idle
 * and absolute timeouts, CSRF tokens bound to sessions, user management. Every decision is written
 * to the audit log. The HTTP routes ({@link ConsoleRoutes}) only translate. See docs/console.md.
 */
public final class ConsoleAuth implements SessionResolver {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleAuth.class);
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,63}");
  private static final int MAX_PASSWORD = 1024;
  private static final Duration TOUCH_GRANULARITY = Duration.ofSeconds(15);
  /** The first admin's one-time password, 0600 in the data dir until it is changed. */
  public static final String FIRST_ADMIN_FILE = "console-admin-password";

  /** Tunables; see docs/configuration.md ({@code console.*}). */
  public record Settings(
      Duration idleTimeout, Duration absoluteTimeout, LockoutPolicy lockout, int minPasswordLength, int pbkdf2Iterations) {
    public Settings {
      if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || absoluteTimeout.compareTo(idleTimeout) < 0) {
        throw new IllegalArgumentException(
            "console session timeouts need 1 min <= idle <= absolute, were " + idleTimeout + " and " + absoluteTimeout);
      }
      if (minPasswordLength < 10) {
        throw new IllegalArgumentException("console passwords cannot be shorter than 10, was " + minPasswordLength);
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(30), Duration.ofHours(12),
          new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofHours(1)), 12, PasswordHasher.DEFAULT_ITERATIONS);
    }
  }

  /** A user as the API shows it (no hash). */
  public record User(String username, Role role, boolean disabled, boolean mustChangePassword, Instant createdAt,
      String createdBy, Instant updatedAt) {}

  /** A signed-in user. */
  public record Session(String username, Role role, String csrfToken, boolean mustChangePassword, Instant createdAt) {
    public Principal principal() {
      return new Principal(username, role, csrfToken, mustChangePassword);
    }
  }

  /** The answer to a login. */
  public sealed interface Outcome {}

  /** Success: the session, and the id to put in the cookie (given once, stored only hashed). */
  public record Granted(String sessionId, Session session) implements Outcome {}

  /** Refusal: 400 bad input, 403 wrong credentials or disabled, 429 locked (with how long). */
  public record Refused(int status, String code, String message, Duration retryAfter) implements Outcome {}

  private final ConsoleStore store;
  private final Consumer<AuditEvent> audit;
  private final Settings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private volatile Path firstAdminFile;

  public ConsoleAuth(ConsoleStore store, Consumer<AuditEvent> audit, Settings settings, Clock clock, SecureRandom random) {
    this.store = store;
    this.audit = audit;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.hasher = new PasswordHasher(settings.pbkdf2Iterations(), random);
    this.throttle = new LoginThrottle(store, settings.lockout(), clock);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * At the first start (no console user yet) makes the first admin. With {@code password} null a
   * one-time password is generated, logged once and written 0600 to {@code dataDir/}{@value
   * #FIRST_ADMIN_FILE}; the admin must change it at first login, which deletes the file. A given
   * password is used as is (and not logged).
   */
  public void ensureFirstAdmin(Path dataDir, String username, String password) throws IOException {
    Path file = dataDir.resolve(FIRST_ADMIN_FILE);
    firstAdminFile = file;
    if (store.anyUser()) {
      return;
    }
    if (!USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException("console.admin.user must be 2-64 characters of [a-z0-9._@-], was '" + username + "'");
    }
    boolean oneTime = password == null;
    String pw = oneTime ? oneTimePassword() : password;
    if (!oneTime && pw.length() < settings.minPasswordLength()) {
      throw new IllegalArgumentException(
          "console.admin.password must have at least " + settings.minPasswordLength() + " characters");
    }
    Instant now = clock.instant();
    if (!store.insertUser(new ConsoleStore.UserRow(username, Role.ADMIN, hasher.hash(pw), oneTime, false, now, "hub", now))) {
      return; // another replica made it a moment ago
    }
    audit.accept(AuditEvent.allowed(now, "hub", "console.user.create:admin", subject(username), null));
    if (oneTime) {
      Pem.writeSecret(file, pw + "\n");
      // Printed once, by design: the operator needs it to sign in, and it must be changed at first login.
      LOG.info("console: first admin '{}' made with the one-time password {} (also in {}; change it at first login)",
          username, pw, file);
    } else {
      LOG.info("console: first admin '{}' made with the configured password", username);
    }
  }

  public Outcome login(String username, String password, String source) {
    Instant now = clock.instant();
    if (username == null || password == null || username.isEmpty() || username.length() > 64
        || password.isEmpty() || password.length() > MAX_PASSWORD) {
      return new Refused(400, "bad_request", "Enter your user name and password.", Duration.ZERO);
    }
    String srcKey = "src:" + source;
    Optional<ConsoleStore.UserRow> account = store.user(username);
    LoginThrottle.Check check = throttle.checkPassword(hasher, password,
        account.map(ConsoleStore.UserRow::passwordHash).orElse(null), srcKey, account.map(a -> "user:" + a.username()).orElse(null));
    if (check instanceof LoginThrottle.Locked l) {
      audit.accept(AuditEvent.refused(now, username, "console.login", subject(username), "locked", source));
      return new Refused(429, "locked", LoginThrottle.lockedMessage(l.retryAfter()), l.retryAfter());
    }
    if (check instanceof LoginThrottle.Wrong w) {
      audit.accept(AuditEvent.refused(now, username, "console.login", subject(username), "bad_credentials", source));
      LOG.warn("console: failed login from {}", source);
      return new Refused(403, "bad_credentials", "Wrong user name or password." + LoginThrottle.lockNote(w.lock()), w.lock());
    }
    ConsoleStore.UserRow u = account.get();
    if (u.disabled()) {
      audit.accept(AuditEvent.refused(now, username, "console.login", subject(username), "disabled", source));
      return new Refused(403, "account_disabled", "This account is disabled. Ask a console admin.", Duration.ZERO);
    }
    String id = token();
    String csrf = token();
    store.insertSession(sha256(id), u.username(), csrf, now, source);
    audit.accept(AuditEvent.allowed(now, u.username(), "console.login", subject(username), source));
    LOG.info("console: '{}' ({}) logged in from {}", u.username(), u.role().wire(), source);
    return new Granted(id, new Session(u.username(), u.role(), csrf, u.mustChangePassword(), now));
  }

  /** The session behind a cookie value, if live and its user enabled; {@code touch} extends idle time. */
  public Optional<Session> session(String sessionId, boolean touch) {
    if (sessionId == null || sessionId.length() != 43) {
      return Optional.empty();
    }
    String h = sha256(sessionId);
    Optional<ConsoleStore.SessionRow> row = store.session(h);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    ConsoleStore.SessionRow s = row.get();
    if (s.disabled() || now.isAfter(s.lastSeen().plus(settings.idleTimeout()))
        || now.isAfter(s.createdAt().plus(settings.absoluteTimeout()))) {
      store.deleteSession(h);
      return Optional.empty();
    }
    if (touch && now.isAfter(s.lastSeen().plus(TOUCH_GRANULARITY))) {
      store.touchSession(h, now);
    }
    return Optional.of(new Session(s.username(), s.role(), s.csrfToken(), s.mustChangePassword(), s.createdAt()));
  }

  @Override
  public Optional<Principal> resolve(String sessionId) {
    return session(sessionId, true).map(Session::principal);
  }

  public void logout(String sessionId, String source) {
    Optional<Session> s = session(sessionId, false);
    if (s.isPresent()) {
      store.deleteSession(sha256(sessionId));
      audit.accept(AuditEvent.allowed(clock.instant(), s.get().username(), "console.logout", subject(s.get().username()), source));
    }
  }

  /** A signed-in user changes their own password (required after a one-time password). */
  public void changeOwnPassword(String sessionId, String current, String next, String source) {
    Session s = session(sessionId, false).orElseThrow(() -> new ApiError(401, "unauthorized", "Log in again."));
    ConsoleStore.UserRow u = store.user(s.username()).orElseThrow(() -> new ApiError(401, "unauthorized", "Log in again."));
    Instant now = clock.instant();
    if (current == null || !hasher.verify(current, u.passwordHash())) {
      audit.accept(AuditEvent.refused(now, u.username(), "console.password.change", subject(u.username()), "bad_credentials", source));
      throw new ApiError(403, "bad_credentials", "Your current password is not right.");
    }
    checkPassword(next);
    if (next.equals(current)) {
      throw new ApiError(400, "bad_request", "Choose a password different from the current one.");
    }
    store.setPassword(u.username(), hasher.hash(next), false, now, sha256(sessionId));
    audit.accept(AuditEvent.allowed(now, u.username(), "console.password.change", subject(u.username()), source));
    Path f = firstAdminFile;
    if (u.mustChangePassword() && f != null) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.warn("could not delete the spent one-time password file {}: {}", f, e.toString());
      }
    }
  }

  public List<User> users() {
    return store.users().stream().map(ConsoleAuth::view).toList();
  }

  /** An admin creates a user with a password they choose and hand over; it must be changed at first login. */
  public User createUser(String actor, String username, Role role, String password, String source) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new ApiError(400, "bad_request", "'username' must be 2-64 characters of a-z 0-9 . _ @ - (lower case, starting with a letter or digit)");
    }
    if (role == null) {
      throw new ApiError(400, "bad_request", "'role' must be one of admin, operator, auditor");
    }
    checkPassword(password);
    Instant now = clock.instant();
    if (!store.insertUser(new ConsoleStore.UserRow(username, role, hasher.hash(password), true, false, now, actor, now))) {
      audit.accept(AuditEvent.refused(now, actor, "console.user.create", subject(username), "exists", source));
      throw new ApiError(409, "user_exists", "a user named '" + username + "' already exists; pick another name");
    }
    audit.accept(AuditEvent.allowed(now, actor, "console.user.create:" + role.wire(), subject(username), source));
    return view(store.user(username).orElseThrow());
  }

  /** Changes a user's role and/or disabled flag; refuses to leave the console without an enabled admin. */
  public User updateUser(String actor, String username, Role role, Boolean disabled, String source) {
    ConsoleStore.UserRow u = store.user(username)
        .orElseThrow(() -> new ApiError(404, "not_found", "user '" + username + "' does not exist"));
    Role r = role == null ? u.role() : role;
    boolean d = disabled == null ? u.disabled() : disabled;
    Instant now = clock.instant();
    if (!store.updateUser(username, r, d, now)) {
      audit.accept(AuditEvent.refused(now, actor, "console.user.update", subject(username), "last_admin", source));
      throw new ApiError(409, "last_admin", "that would leave the console without an enabled admin; make another admin first");
    }
    audit.accept(AuditEvent.allowed(now, actor, "console.user.update:" + r.wire() + (d ? ",disabled" : ",enabled"),
        subject(username), source));
    return view(store.user(username).orElseThrow());
  }

  /**
   * An admin resets a user's password: to {@code password} if given, else to a generated one
   * returned once. Either way it must be changed at next login, and the user's sessions end.
   */
  public String resetPassword(String actor, String username, String password, String source) {
    ConsoleStore.UserRow u = store.user(username)
        .orElseThrow(() -> new ApiError(404, "not_found", "user '" + username + "' does not exist"));
    String pw = password == null ? oneTimePassword() : password;
    checkPassword(pw);
    Instant now = clock.instant();
    store.setPassword(u.username(), hasher.hash(pw), true, now, null);
    store.clear("user:" + u.username());
    audit.accept(AuditEvent.allowed(now, actor, "console.user.password.reset", subject(username), source));
    return pw;
  }

  /** Drops timed-out sessions and stale failure counters (the hub calls it periodically). */
  public void prune() {
    Instant now = clock.instant();
    store.deleteSessionsBefore(now.minus(settings.idleTimeout()), now.minus(settings.absoluteTimeout()));
    store.pruneFailures(now.minus(settings.lockout().max()).minus(Duration.ofDays(1)));
  }

  /** The audit subject of a console user. */
  public static String subject(String username) {
    return "user:" + username;
  }

  private void checkPassword(String password) {
    if (password == null || password.codePointCount(0, password.length()) < settings.minPasswordLength()) {
      throw new ApiError(400, "weak_password", "Choose a password of at least " + settings.minPasswordLength() + " characters.");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new ApiError(400, "bad_request", "That password is too long (at most " + MAX_PASSWORD + " characters).");
    }
  }

  private static User view(ConsoleStore.UserRow u) {
    return new User(u.username(), u.role(), u.disabled(), u.mustChangePassword(), u.createdAt(), u.createdBy(), u.updatedAt());
  }

  /** 20 characters from a 54-letter alphabet without look-alikes: about 115 bits. */
  private String oneTimePassword() {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      if (i > 0 && i % 5 == 0) {
        sb.append('-');
      }
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private String token() {
    return LoginThrottle.token(random);
  }

  static String sha256(String s) {
    return LoginThrottle.sha256Hex(s);
  }
}
