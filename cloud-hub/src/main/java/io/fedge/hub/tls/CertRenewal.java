package io.fedge.hub.tls;

import io.fedge.provisioning.store.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hub's own TLS certificates fresh while it runs. Each registered certificate is
 * re-issued at two thirds of its lifetime ({@link HubCredential#renewAt()}) and handed to its
 * installer (swap the HTTPS server's options, rewrite the broker's key store, give the hub's MQTT
 * client its new key). A certificate already past that point when registered is renewed at the
 * next {@link #runDue()}. When issuing or installing fails, the old certificate stays in use and
 * the renewal is tried again after {@link #RETRY_AFTER}.
 *
 * <p>Plain and clock-driven: {@link #runDue()} does the work; {@link #start} only calls it from a
 * scheduler when the next renewal is due. Each renewal is logged (subject, serials, expiry; never
 * the key) and audited as action {@value #AUDIT_ACTION}.
 */
public final class CertRenewal {
  private static final Logger LOG = LoggerFactory.getLogger(CertRenewal.class);

  public static final String AUDIT_ACTION = "hub-cert.renew";
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  /** Longest sleep between checks, so a wall-clock jump is noticed within the hour. */
  static final Duration MAX_SLEEP = Duration.ofHours(1);

  /** Makes a new key and certificate. */
  @FunctionalInterface
  public interface Issuer {
    HubCredential issue() throws Exception;
  }

  /** Puts a new credential in service; throws if it could not (the old one then stays). */
  @FunctionalInterface
  public interface Installer {
    void install(HubCredential fresh) throws Exception;
  }

  /** What {@code /readyz} shows of one certificate: no key material. */
  public record Status(String name, String serial, Instant notAfter, Instant nextRenewal, int renewals) {}

  private static final class Slot {
    final String name;
    final Issuer issuer;
    final Installer installer;
    HubCredential current;
    Instant next;
    int renewals;

    Slot(String name, HubCredential current, Issuer issuer, Installer installer) {
      this.name = name;
      this.current = current;
      this.issuer = issuer;
      this.installer = installer;
      this.next = current.renewAt();
    }
  }

  private final Clock clock;
  private final String actor;
  private final Consumer<AuditEvent> audit;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> pending;

  /**
   * @param actor who renews, for the audit trail (the hub replica id)
   * @param audit where audit events go (the hub's audit table)
   */
  public CertRenewal(Clock clock, String actor, Consumer<AuditEvent> audit) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.actor = Objects.requireNonNull(actor, "actor");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * Watches {@code current} (already in service) under {@code name}; {@code issuer} makes its
   * successors and {@code installer} puts them in service.
   */
  public synchronized void register(String name, HubCredential current, Issuer issuer, Installer installer) {
    if (slots.containsKey(name)) {
      throw new IllegalArgumentException("a certificate named " + name + " is already registered");
    }
    slots.put(name, new Slot(name, Objects.requireNonNull(current, "current"),
        Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(installer, "installer")));
    reschedule();
  }

  /** Renews every certificate whose time has come; returns how many were renewed. */
  public synchronized int runDue() {
    Instant now = clock.instant();
    int renewed = 0;
    for (Slot s : slots.values()) {
      if (now.isBefore(s.next)) {
        continue;
      }
      HubCredential old = s.current;
      HubCredential fresh;
      try {
        fresh = s.issuer.issue();
        s.installer.install(fresh);
      } catch (Exception e) {
        s.next = now.plus(RETRY_AFTER);
        LOG.warn(
            "event=hub-cert-renewal-failed cert={} serial={} notAfter={} retryAt={} error={}; the old certificate"
                + " stays in use. If this repeats until notAfter, restart the hub: it issues new certificates at start",
            s.name, old.serial(), old.notAfter(), s.next, e.toString());
        audit(AuditEvent.refused(now, actor, AUDIT_ACTION, s.name, "failed", null));
        continue;
      }
      s.current = fresh;
      s.renewals++;
      // Never sooner than the retry delay: a CA near its own expiry caps notAfter, which would
      // otherwise make renewAt "now" again and again.
      Instant due = fresh.renewAt();
      Instant floor = now.plus(RETRY_AFTER);
      s.next = due.isBefore(floor) ? floor : due;
      renewed++;
      LOG.info(
          "event=hub-cert-renewed cert={} subject={} oldSerial={} newSerial={} notAfter={} nextRenewal={}",
          s.name, fresh.leaf().getSubjectX500Principal().getName(), old.serial(), fresh.serial(),
          fresh.notAfter(), s.next);
      audit(AuditEvent.allowed(now, actor, AUDIT_ACTION, s.name, null));
    }
    return renewed;
  }

  /** The certificate now in service under {@code name}. */
  public synchronized Optional<HubCredential> current(String name) {
    Slot s = slots.get(name);
    return s == null ? Optional.empty() : Optional.of(s.current);
  }

  /** The earliest planned renewal of any registered certificate. */
  public synchronized Optional<Instant> nextRenewal() {
    return slots.values().stream().map(s -> s.next).min(Instant::compareTo);
  }

  public synchronized List<Status> status() {
    List<Status> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      out.add(new Status(s.name, s.current.serial(), s.current.notAfter(), s.next, s.renewals));
    }
    return out;
  }

  /** Runs {@link #runDue()} on {@code executor} whenever the next renewal is due. */
  public synchronized void start(ScheduledExecutorService executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    reschedule();
  }

  private void tick() {
    synchronized (this) {
      pending = null;
    }
    try {
      runDue();
    } catch (RuntimeException e) {
      LOG.warn("event=hub-cert-renewal-check-failed error={}", e.toString());
    }
    synchronized (this) {
      reschedule();
    }
  }

  private void reschedule() {
    if (executor == null) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    Optional<Instant> next = nextRenewal();
    if (next.isEmpty()) {
      return;
    }
    long ms = Duration.between(clock.instant(), next.get()).toMillis();
    ms = Math.max(0, Math.min(ms, MAX_SLEEP.toMillis())) + 50; // a hair after it is due
    try {
      pending = executor.schedule(this::tick, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("renewal not scheduled: the hub is stopping");
    }
  }

  private void audit(AuditEvent e) {
    try {
      audit.accept(e);
    } catch (RuntimeException ex) {
      LOG.warn("event=hub-cert-audit-failed cert={} error={}", e.subject(), ex.toString());
    }
  }
}
