package io.fedge.agent.identity;

import io.fedge.provisioning.ClaimBundle;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.EnrollmentException;
import io.fedge.provisioning.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's identity over its life: first-boot enrollment with the claim bundle, then live
 * renewal before two thirds of each certificate's lifetime, each time with a fresh key made on the
 * device. The private key never leaves the data directory.
 */
public final class IdentityManager {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityManager.class);
  /** Refusals no retry can fix: the claim bundle must be replaced. */
  private static final Set<String> PERMANENT =
      Set.of("invalid_token", "token_expired", "token_used", "device_exists", "malformed_request", "version_unsupported");

  public enum State {
    UNENROLLED,
    ENROLLING,
    ENROLLED,
    ENROLLMENT_REFUSED,
    REVOKED
  }

  private final Path identityDir;
  private final Path claimBundlePath;
  private final Clock clock;
  private final Duration retryBase;
  private final Duration retryCap;
  private volatile DeviceCredentials current;
  private volatile State state = State.UNENROLLED;
  private volatile String lastError;

  public IdentityManager(Path identityDir, Path claimBundlePath, Clock clock, Duration retryBase, Duration retryCap) {
    this.identityDir = identityDir;
    this.claimBundlePath = claimBundlePath;
    this.clock = clock;
    this.retryBase = retryBase;
    this.retryCap = retryCap;
  }

  public State state() {
    return state;
  }

  public String lastError() {
    return lastError;
  }

  public Optional<DeviceCredentials> current() {
    return Optional.ofNullable(current);
  }

  /**
   * Returns the stored identity, or enrolls with the claim bundle, retrying with backoff while the
   * hub is unreachable and waiting for a new bundle after a permanent refusal. Blocks until enrolled
   * or interrupted.
   */
  public DeviceCredentials ensureEnrolled() throws InterruptedException, IOException {
    Optional<DeviceCredentials> stored = DeviceCredentials.load(identityDir);
    if (stored.isPresent()) {
      current = stored.get();
      state = State.ENROLLED;
      LOG.info("identity loaded: device {} (certificate valid until {})", current.deviceId(), current.notAfter());
      return current;
    }
    long delay = retryBase.toMillis();
    Instant refusedBundleTime = null;
    while (true) {
      if (!Files.isRegularFile(claimBundlePath)) {
        lastError = "no claim bundle at " + claimBundlePath + "; place the claim.json from the hub there";
        LOG.warn(lastError);
        Thread.sleep(2_000);
        continue;
      }
      Instant bundleTime = modified(claimBundlePath);
      if (refusedBundleTime != null && !bundleTime.isAfter(refusedBundleTime)) {
        Thread.sleep(2_000); // refused bundle: wait until someone replaces it
        continue;
      }
      state = State.ENROLLING;
      try {
        ClaimBundle bundle = ClaimBundle.read(claimBundlePath);
        DeviceCredentials creds = new EnrollmentClient(bundle).enroll(enrollmentKey());
        creds.save(identityDir);
        Files.deleteIfExists(enrollmentKeyFile());
        current = creds;
        state = State.ENROLLED;
        lastError = null;
        Files.deleteIfExists(claimBundlePath); // its token is spent; no reason to keep it on disk
        LOG.info("enrolled as device {} in group {}", creds.deviceId(), creds.group());
        return creds;
      } catch (EnrollmentException e) {
        lastError = e.code() + ": " + e.getMessage();
        if (PERMANENT.contains(e.code())) {
          state = State.ENROLLMENT_REFUSED;
          refusedBundleTime = bundleTime;
          LOG.error("enrollment refused ({}); replace the claim bundle at {}", lastError, claimBundlePath);
          continue;
        }
        LOG.warn("enrollment failed ({}); retrying in {} ms", lastError, delay);
      } catch (RuntimeException | IOException e) {
        lastError = "hub unreachable: " + e.getMessage();
        LOG.warn("enrollment attempt failed: {}; retrying in {} ms", e.toString(), delay);
      }
      state = State.UNENROLLED;
      Thread.sleep(jitter(delay));
      delay = Math.min(delay * 2, retryCap.toMillis());
    }
  }

  private Path enrollmentKeyFile() {
    return identityDir.resolveSibling("enrollment-key.pem");
  }

  /**
   * The key of first enrollment, kept (0600) across attempts: if the hub's answer is lost after it
   * spent the token, the retry with the same key is recognised as the same device.
   */
  private KeyPair enrollmentKey() throws IOException {
    Path f = enrollmentKeyFile();
    if (Files.isRegularFile(f)) {
      String[] parts = Files.readString(f).split("\n-----PUBLIC-----\n");
      if (parts.length == 2) {
        try {
          PrivateKey priv = Pem.readPrivateKey(parts[0]);
          PublicKey pub =
              KeyFactory.getInstance("EC")
                  .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[1].trim())));
          return new KeyPair(pub, priv);
        } catch (GeneralSecurityException | RuntimeException e) {
          LOG.warn("unreadable enrollment key {} replaced: {}", f, e.toString());
        }
      }
    }
    KeyPair kp = EnrollmentClient.newDeviceKey();
    Files.createDirectories(f.getParent());
    Pem.writeSecret(
        f,
        Pem.privateKey(kp.getPrivate())
            + "\n-----PUBLIC-----\n"
            + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded())
            + "\n");
    return kp;
  }

  /**
   * Renews at the certificate's renew-after time and again before each following one; on success
   * saves the new identity and calls {@code onRenewed}. Failures retry with backoff; a revoked
   * device stops trying.
   */
  public void scheduleRenewal(ScheduledExecutorService scheduler, Consumer<DeviceCredentials> onRenewed) {
    DeviceCredentials creds = current;
    long wait = Math.max(0, Duration.between(clock.instant(), creds.renewAfter()).toMillis());
    LOG.info("certificate renewal due in {} s", wait / 1000);
    scheduler.schedule(() -> renewNow(scheduler, onRenewed, retryBase.toMillis()), wait, TimeUnit.MILLISECONDS);
  }

  private void renewNow(ScheduledExecutorService scheduler, Consumer<DeviceCredentials> onRenewed, long delay) {
    try {
      DeviceCredentials renewed = new EnrollmentClient(null).renew(current, EnrollmentClient.newDeviceKey());
      renewed.save(identityDir);
      current = renewed;
      lastError = null;
      LOG.info("certificate renewed; valid until {}", renewed.notAfter());
      onRenewed.accept(renewed);
      scheduleRenewal(scheduler, onRenewed);
    } catch (EnrollmentException e) {
      lastError = e.code() + ": " + e.getMessage();
      if ("device_revoked".equals(e.code()) || "unknown_device".equals(e.code())) {
        state = State.REVOKED;
        LOG.error("renewal refused: {}; this appliance has been revoked by the hub operator", lastError);
        return;
      }
      retry(scheduler, onRenewed, delay);
    } catch (RuntimeException | IOException e) {
      lastError = "renewal failed: " + e.getMessage();
      retry(scheduler, onRenewed, delay);
    }
  }

  private void retry(ScheduledExecutorService scheduler, Consumer<DeviceCredentials> onRenewed, long delay) {
    LOG.warn("{}; retrying in {} ms", lastError, delay);
    long next = Math.min(delay * 2, retryCap.toMillis());
    scheduler.schedule(() -> renewNow(scheduler, onRenewed, next), jitter(delay), TimeUnit.MILLISECONDS);
  }

  private static long jitter(long millis) {
    return millis / 2 + (long) (Math.random() * (millis / 2 + 1));
  }

  private static Instant modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }
}
