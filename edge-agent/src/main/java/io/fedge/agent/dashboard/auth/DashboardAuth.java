package io.fedge.agent.dashboard.auth;

import io.fedge.provisioning.Pem;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.provisioning.auth.LoginThrottle;
import io.fedge.provisioning.auth.PasswordHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the dashboard: one-time pairing with the label's code, the admin password, sessions
 * with idle and absolute timeouts, CSRF tokens bound to sessions, and lockout after repeated
 * failures per account, per source address and (for the pairing code) overall. Plain Java over
 * {@link AuthStore}; the HTTP routes only translate. See docs/dashboard.md for the model.
 */
public final class DashboardAuth implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardAuth.class);
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final int MAX_PASSWORD = 1024;
  private static final Duration TOUCH_GRANULARITY = Duration.ofSeconds(15);
  /** The file next to the label's copy of the code; deleted once the code is spent. */
  public static final String PAIRING_FILE = "pairing-code";

  /** Tunables; see docs/configuration.md ({@code dashboard.*}). */
  public record Settings(
      Duration idleTimeout, Duration absoluteTimeout, LockoutPolicy lockout, int minPasswordLength, int pbkdf2Iterations) {
    public Settings {
      if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || absoluteTimeout.compareTo(idleTimeout) < 0) {
        throw new IllegalArgumentException(
            "session timeouts need 1 min <= idle <= absolute, were " + idleTimeout + " and " + absoluteTimeout);
      }
      if (minPasswordLength < 8) {
        throw new IllegalArgumentException("the minimum password length cannot be below 8, was " + minPasswordLength);
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(30), Duration.ofHours(12),
          new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofHours(1)), 10, PasswordHasher.DEFAULT_ITERATIONS);
    }
  }

  /** A logged-in dealer. */
  public record Session(String username, String csrfToken, Instant createdAt) {}

  /** The answer to a pairing or login attempt. */
  public sealed interface Outcome {}

  /** Success: the new session and the id to put in the cookie (shown once, stored only hashed). */
  public record Granted(String sessionId, Session session) implements Outcome {}

  /**
   * Refusal with an HTTP-like status (400 bad input, 403 wrong secret, 409 wrong state, 429 locked)
   * and a message that says what to do.
   */
  public record Refused(int status, String message, Duration retryAfter) implements Outcome {}

  private final AuthStore store;
  private final Path pairingFile;
  private final Settings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;

  private DashboardAuth(AuthStore store, Path pairingFile, Settings settings, Clock clock, SecureRandom random) {
    this.store = store;
    this.pairingFile = pairingFile;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.hasher = new PasswordHasher(settings.pbkdf2Iterations(), random);
    this.throttle = new LoginThrottle(store, settings.lockout(), clock);
  }

  /**
   * Opens the state in {@code stateDb}; at first boot makes the pairing code, stores its hash,
   * writes it to {@code runDir/pairing-code} (0600) and logs it once.
   */
  public static DashboardAuth open(Path stateDb, Path runDir, Settings settings, Clock clock, SecureRandom random)
      throws IOException {
    DashboardAuth a = new DashboardAuth(AuthStore.open(stateDb), runDir.resolve(PAIRING_FILE), settings, clock, random);
    a.ensurePairingCode();
    return a;
  }

  private void ensurePairingCode() throws IOException {
    if (store.hasAccount()) {
      Files.deleteIfExists(pairingFile);
      return;
    }
    if (store.pairing().isPresent()) {
      LOG.info("dashboard not paired yet: the pairing code is on the appliance's label and in {}", pairingFile);
      return;
    }
    String code = PairingCode.generate(random);
    store.createPairing(hasher.hash(code), clock.instant());
    Files.createDirectories(pairingFile.getParent());
    Pem.writeSecret(pairingFile, PairingCode.display(code) + "\n");
    // Printed once, by design: this is the label's code, useless once the first dealer has paired.
    LOG.info("dashboard pairing code: {} (also in {}; open the dashboard and enter it to set the admin password)",
        PairingCode.display(code), pairingFile);
  }

  public boolean paired() {
    return store.hasAccount();
  }

  public Settings settings() {
    return settings;
  }

  /** First visitor: the label's code, then the admin account. Spends the code on success. */
  public Outcome pair(String typedCode, String username, String password, String source) {
    if (store.hasAccount()) {
      return new Refused(409, "This appliance is already paired. Log in with the admin password.", Duration.ZERO);
    }
    String srcKey = "pair-src:" + source;
    Optional<Refused> locked = lockedOut("pair", srcKey);
    if (locked.isPresent()) {
      return locked.get();
    }
    Optional<String> code = PairingCode.normalize(typedCode);
    if (code.isEmpty()) {
      return new Refused(400, "A pairing code has 8 letters and digits, like 7KQ4-MZ2P. Check the appliance's label.", Duration.ZERO);
    }
    Optional<Refused> bad = checkNewAccount(username, password);
    if (bad.isPresent()) {
      return bad.get();
    }
    String stored = store.pairing().map(AuthStore.Pairing::codeHash).orElse(null);
    if (stored == null || !hasher.verify(code.get(), stored)) {
      Duration lock = fail("pair", fail(srcKey, Duration.ZERO));
      LOG.warn("dashboard: wrong pairing code from {}", source);
      return new Refused(403, "That pairing code is not right. Check the appliance's label." + lockNote(lock), lock);
    }
    if (!store.completePairing(username, hasher.hash(password), clock.instant())) {
      return new Refused(409, "This appliance was paired a moment ago. Log in with the admin password.", Duration.ZERO);
    }
    store.clear("pair");
    store.clear(srcKey);
    try {
      Files.deleteIfExists(pairingFile);
    } catch (IOException e) {
      LOG.warn("could not delete the spent pairing code file {}: {}", pairingFile, e.toString());
    }
    LOG.info("dashboard paired from {}; admin account '{}' created", source, username);
    return newSession(username);
  }

  public Outcome login(String username, String password, String source) {
    if (!store.hasAccount()) {
      return new Refused(409, "This appliance is not paired yet. Enter the code from its label first.", Duration.ZERO);
    }
    if (username == null || password == null || username.length() > 64 || password.length() > MAX_PASSWORD) {
      return new Refused(400, "Enter your user name and password.", Duration.ZERO);
    }
    String srcKey = "src:" + source;
    Optional<AuthStore.Account> account = store.account(username);
    LoginThrottle.Check check = throttle.checkPassword(hasher, password,
        account.map(AuthStore.Account::passwordHash).orElse(null), srcKey, account.map(a -> "user:" + a.username()).orElse(null));
    if (check instanceof LoginThrottle.Locked l) {
      return new Refused(429, LoginThrottle.lockedMessage(l.retryAfter()), l.retryAfter());
    }
    if (check instanceof LoginThrottle.Wrong w) {
      LOG.warn("dashboard: failed login from {}", source);
      return new Refused(403, "Wrong user name or password." + lockNote(w.lock()), w.lock());
    }
    LOG.info("dashboard: '{}' logged in from {}", username, source);
    return newSession(username);
  }

  /** The session for a cookie value, if it exists and has not timed out; {@code touch} extends idle time. */
  public Optional<Session> session(String sessionId, boolean touch) {
    if (sessionId == null || sessionId.length() != 43) {
      return Optional.empty();
    }
    String h = sha256(sessionId);
    Optional<AuthStore.SessionRow> row = store.session(h);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    AuthStore.SessionRow s = row.get();
    if (now.isAfter(s.lastSeen().plus(settings.idleTimeout())) || now.isAfter(s.createdAt().plus(settings.absoluteTimeout()))) {
      store.deleteSession(h);
      return Optional.empty();
    }
    if (touch && now.isAfter(s.lastSeen().plus(TOUCH_GRANULARITY))) {
      store.touchSession(h, now);
    }
    return Optional.of(new Session(s.username(), s.csrfToken(), s.createdAt()));
  }

  public void logout(String sessionId) {
    if (sessionId != null) {
      store.deleteSession(sha256(sessionId));
    }
  }

  /** Constant-time check of the token a state-changing request carries. */
  public static boolean csrfMatches(Session s, String presented) {
    return presented != null
        && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** Drops timed-out sessions and stale failure counters (the dashboard calls it periodically). */
  public void prune() {
    Instant now = clock.instant();
    store.deleteSessionsBefore(now.minus(settings.idleTimeout()), now.minus(settings.absoluteTimeout()));
    store.pruneFailures(now.minus(settings.lockout().max()).minus(Duration.ofDays(1)));
  }

  @Override
  public void close() {
    store.close();
  }

  private Optional<Refused> checkNewAccount(String username, String password) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Optional.of(new Refused(400, "Choose a user name of 1 to 64 letters, digits or . _ @ -", Duration.ZERO));
    }
    if (password == null || password.codePointCount(0, password.length()) < settings.minPasswordLength()) {
      return Optional.of(new Refused(400,
          "Choose a password of at least " + settings.minPasswordLength() + " characters.", Duration.ZERO));
    }
    if (password.length() > MAX_PASSWORD) {
      return Optional.of(new Refused(400, "That password is too long (at most " + MAX_PASSWORD + " characters).", Duration.ZERO));
    }
    return Optional.empty();
  }

  private Optional<Refused> lockedOut(String... keys) {
    return throttle.lockedFor(keys).map(wait -> new Refused(429, LoginThrottle.lockedMessage(wait), wait));
  }

  /** Counts a failure on {@code key}; returns the longer of its lock and {@code soFar}. */
  private Duration fail(String key, Duration soFar) {
    return throttle.fail(key, soFar);
  }

  private Outcome newSession(String username) {
    String id = token();
    Instant now = clock.instant();
    Session s = new Session(username, token(), now);
    store.insertSession(new AuthStore.SessionRow(sha256(id), username, s.csrfToken(), now, now));
    return new Granted(id, s);
  }

  private String token() {
    return LoginThrottle.token(random);
  }

  private static String lockNote(Duration lock) {
    return LoginThrottle.lockNote(lock);
  }

  private static String sha256(String s) {
    return LoginThrottle.sha256Hex(s);
  }
}
