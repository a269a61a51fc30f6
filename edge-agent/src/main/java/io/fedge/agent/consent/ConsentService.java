package io.fedge.agent.consent;

import io.fedge.agent.data.DatasetNames;
import io.fedge.agent.data.Schema;
import io.fedge.agent.messaging.DownstreamHandler;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dealer's consent to federated jobs. A {@code job-offer} from the hub becomes a pending request
 * (idempotent by job id: a re-delivered or re-sent offer changes nothing); a standing policy that
 * covers it approves it at once, otherwise the dealer approves or refuses it on the dashboard. Every
 * decision is stored with who, when and on what basis, then queued to the hub as a {@code consent}
 * message; decisions not yet queued (the agent was not enrolled, or crashed in between) are queued
 * by {@link #resendUnsent()}. What a job may read is enforced locally by {@link ConsentGuard}, never
 * left to the hub.
 */
public final class ConsentService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentService.class);
  public static final String BASIS_DEALER = "dealer";
  public static final String BASIS_EXPIRED = "expired";

  private final ConsentStore store;
  private final Uplink uplink;
  private final Clock clock;
  private final List<Consumer<ConsentRequest>> listeners = new CopyOnWriteArrayList<>();

  private ConsentService(ConsentStore store, Uplink uplink, Clock clock) {
    this.store = store;
    this.uplink = uplink;
    this.clock = clock;
  }

  public static ConsentService open(Path file, Uplink uplink, Clock clock) {
    return new ConsentService(ConsentStore.open(file), uplink, clock);
  }

  /** The handler to register for {@link Kinds#JOB_OFFER}. */
  public DownstreamHandler offerHandler() {
    return e -> onOffer(WireCodec.body(e, JobOffer.class));
  }

  /** Records an offer (once per job id) and lets the standing policies decide it if one covers it. */
  public ConsentRequest onOffer(JobOffer offer) {
    validate(offer);
    Instant now = clock.instant();
    String purpose = offer.purpose() == null ? "" : offer.purpose();
    ConsentRequest r = new ConsentRequest(offer.jobId(), offer.title(), offer.requester(), purpose, offer.reads(),
        offer.expiresAt(), now, ConsentRequest.Status.PENDING, null, null, null, null);
    if (!store.insert(r)) {
      LOG.info("job offer {} received again; the stored request stands", offer.jobId());
      return store.get(offer.jobId()).orElseThrow();
    }
    LOG.info("job offer {} from {} is waiting for consent", offer.jobId(), offer.requester());
    notify(r);
    if (!now.isBefore(offer.expiresAt())) {
      return expire(r);
    }
    for (ConsentPolicy p : store.policies()) {
      if (p.covers(offer.requester(), offer.reads())) {
        return decide(offer.jobId(), ConsentRequest.Status.PENDING, ConsentRequest.Status.APPROVED, "policy:" + p.name(),
            "policy:" + p.name(), null);
      }
    }
    return r;
  }

  /** The dealer approves every column the job asked for. */
  public ConsentRequest approve(String jobId, String user) {
    ConsentRequest r = pendingOrThrow(jobId);
    if (!clock.instant().isBefore(r.expiresAt())) {
      expire(r);
      throw new ConsentException("job " + jobId + " expired at " + r.expiresAt() + " and can no longer be approved");
    }
    return decide(jobId, ConsentRequest.Status.PENDING, ConsentRequest.Status.APPROVED, requireUser(user), BASIS_DEALER, null);
  }

  /** The dealer refuses; the job reads nothing. */
  public ConsentRequest refuse(String jobId, String user, String reason) {
    pendingOrThrow(jobId);
    return decide(jobId, ConsentRequest.Status.PENDING, ConsentRequest.Status.REFUSED, requireUser(user), BASIS_DEALER,
        clean(reason));
  }

  /** The dealer withdraws an approval; the job's reads fail from now on and the hub is told. */
  public ConsentRequest revoke(String jobId, String user, String reason) {
    ConsentRequest r = store.get(jobId).orElseThrow(() -> new ConsentException("no job " + jobId + " is known"));
    if (r.status() != ConsentRequest.Status.APPROVED) {
      throw new ConsentException("job " + jobId + " is " + r.status() + ", only an approved job can be revoked");
    }
    return decide(jobId, ConsentRequest.Status.APPROVED, ConsentRequest.Status.REVOKED, requireUser(user), BASIS_DEALER,
        clean(reason));
  }

  /** Requests waiting for the dealer, oldest first (past-due ones are expired on the way). */
  public List<ConsentRequest> pending() {
    Instant now = clock.instant();
    for (ConsentRequest r : store.byStatus("PENDING", 10_000)) {
      if (!now.isBefore(r.expiresAt())) {
        expire(r);
      }
    }
    return store.byStatus("PENDING", 10_000);
  }

  /** Decided requests, newest decision first. */
  public List<ConsentRequest> history(int limit) {
    return store.decided(Math.max(1, Math.min(limit, 10_000)));
  }

  public Optional<ConsentRequest> request(String jobId) {
    return store.get(jobId);
  }

  /** Adds or replaces a standing policy; requests already pending are not re-evaluated. */
  public ConsentPolicy putPolicy(String name, String requester, List<DatasetColumns> allowed, String user) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}")) {
      throw new IllegalArgumentException("a policy name is 1-64 letters, digits, spaces, '_', '.' or '-'");
    }
    if (requester == null || requester.isBlank()) {
      throw new IllegalArgumentException("a policy names the requester it trusts");
    }
    checkReads(allowed, "policy");
    ConsentPolicy p = new ConsentPolicy(name, requester, allowed, requireUser(user), clock.instant());
    store.putPolicy(p);
    LOG.info("consent policy '{}' for {} set by {}", name, requester, user);
    return p;
  }

  public boolean removePolicy(String name, String user) {
    boolean removed = store.deletePolicy(name);
    if (removed) {
      LOG.info("consent policy '{}' removed by {}", name, requireUser(user));
    }
    return removed;
  }

  /**
   * Installs the policies of the appliance's configuration (replacing ones of the same name) and
   * removes configured policies no longer in it; policies set on the dashboard are left alone.
   */
  public void applyConfigured(List<ConfiguredPolicy> configured) {
    Set<String> names = new HashSet<>();
    for (ConfiguredPolicy c : configured) {
      putPolicy(c.name(), c.requester(), c.reads(), ConfiguredPolicy.CREATED_BY);
      names.add(c.name());
    }
    for (ConsentPolicy p : store.policies()) {
      if (ConfiguredPolicy.CREATED_BY.equals(p.createdBy()) && !names.contains(p.name())) {
        removePolicy(p.name(), ConfiguredPolicy.CREATED_BY);
      }
    }
  }

  public List<ConsentPolicy> policies() {
    return store.policies();
  }

  /** Queues every stored decision that has not reached the outbox yet (call once enrolled). */
  public void resendUnsent() {
    for (ConsentRequest r : store.unsent()) {
      send(r);
    }
  }

  /** Calls {@code listener} with every new or decided request; close the result to stop. */
  public AutoCloseable subscribe(Consumer<ConsentRequest> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private ConsentRequest pendingOrThrow(String jobId) {
    ConsentRequest r = store.get(jobId).orElseThrow(() -> new ConsentException("no job " + jobId + " is known"));
    if (r.status() != ConsentRequest.Status.PENDING) {
      throw new ConsentException("job " + jobId + " was already decided: " + r.status() + " by " + r.decidedBy());
    }
    return r;
  }

  private ConsentRequest expire(ConsentRequest r) {
    return decide(r.jobId(), ConsentRequest.Status.PENDING, ConsentRequest.Status.EXPIRED, "agent", BASIS_EXPIRED, null);
  }

  private ConsentRequest decide(String jobId, ConsentRequest.Status from, ConsentRequest.Status to, String by, String basis,
      String reason) {
    if (!store.decide(jobId, from, to, by, clock.instant(), basis, reason)) {
      ConsentRequest now = store.get(jobId).orElseThrow();
      throw new ConsentException("job " + jobId + " was decided meanwhile: " + now.status() + " by " + now.decidedBy());
    }
    ConsentRequest r = store.get(jobId).orElseThrow();
    LOG.info("job {} {} by {} ({})", jobId, to, by, basis);
    send(r);
    notify(r);
    return r;
  }

  private void send(ConsentRequest r) {
    boolean approved = r.status() == ConsentRequest.Status.APPROVED;
    String basis = r.reason() == null ? r.basis() : r.basis() + ": " + r.reason();
    ConsentDecision d = new ConsentDecision(r.jobId(), approved, approved ? r.reads() : List.of(), r.decidedBy(),
        r.decidedAt(), basis);
    try {
      String id = uplink.send(Kinds.CONSENT, d);
      store.markSent(r.jobId(), id);
    } catch (IllegalStateException e) {
      LOG.warn("consent decision for job {} stored, to be sent once the agent is enrolled: {}", r.jobId(), e.getMessage());
    }
  }

  private void notify(ConsentRequest r) {
    for (Consumer<ConsentRequest> l : listeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        LOG.warn("consent listener failed: {}", e.toString());
      }
    }
  }

  private static String requireUser(String user) {
    if (user == null || user.isBlank() || user.length() > 128) {
      throw new IllegalArgumentException("a decision names the user who took it (1-128 characters)");
    }
    return user;
  }

  private static String clean(String reason) {
    if (reason == null || reason.isBlank()) {
      return null;
    }
    return reason.length() <= 500 ? reason.strip() : reason.substring(0, 500);
  }

  static void validate(JobOffer o) {
    Ids.require("jobId", o.jobId());
    text("title", o.title(), 200);
    text("requester", o.requester(), 200);
    if (o.purpose() != null && o.purpose().length() > 4000) {
      throw new IllegalArgumentException("job offer purpose is longer than 4000 characters");
    }
    if (o.expiresAt() == null) {
      throw new IllegalArgumentException("job offer " + o.jobId() + " has no expiresAt");
    }
    checkReads(o.reads(), "job offer " + o.jobId());
  }

  private static void text(String field, String v, int max) {
    if (v == null || v.isBlank() || v.length() > max) {
      throw new IllegalArgumentException("job offer " + field + " must be 1-" + max + " characters");
    }
  }

  private static void checkReads(List<DatasetColumns> reads, String what) {
    if (reads == null || reads.isEmpty() || reads.size() > 100) {
      throw new IllegalArgumentException(what + " must name 1-100 datasets to read");
    }
    Set<String> datasets = new HashSet<>();
    for (DatasetColumns dc : reads) {
      if (!DatasetNames.isValid(dc.dataset()) || !datasets.add(dc.dataset())) {
        throw new IllegalArgumentException(what + ": '" + dc.dataset() + "' is not a valid dataset name or appears twice");
      }
      if (dc.columns().isEmpty() || dc.columns().size() > Schema.MAX_COLUMNS
          || new HashSet<>(dc.columns()).size() != dc.columns().size()) {
        throw new IllegalArgumentException(what + ": dataset " + dc.dataset() + " must list its columns, each once");
      }
      dc.columns().forEach(Schema::checkColumnName);
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
