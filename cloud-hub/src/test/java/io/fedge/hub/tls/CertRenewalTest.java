package io.fedge.hub.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.time.MutableClock;
import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.store.AuditEvent;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renewal scheduler, driven by a clock the test moves, with certificates from the real CA. */
class CertRenewalTest {
  static final Duration SERVER_LIFE = Duration.ofDays(90);
  static final Duration SERVICE_LIFE = Duration.ofDays(30);

  @TempDir Path dir;
  MutableClock clock;
  CertificateAuthority ca;
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  final List<String> installed = new CopyOnWriteArrayList<>();
  CertRenewal renewal;

  @BeforeEach
  void setUp() throws Exception {
    clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), clock);
    renewal = new CertRenewal(clock, "hub-1", audit::add);
  }

  HubCredential server() {
    return HubCertificates.server(ca, List.of("localhost"), List.of("127.0.0.1"), SERVER_LIFE, clock);
  }

  HubCredential service() {
    return HubCertificates.service(ca, "hub-1", SERVICE_LIFE, clock);
  }

  void register(String name, HubCredential first, CertRenewal.Issuer issuer) {
    renewal.register(name, first, issuer, c -> installed.add(name + ":" + c.serial()));
  }

  @Test
  void eachCertificateIsRenewedAtTwoThirdsOfItsOwnLifetime() throws Exception {
    HubCredential https = server();
    HubCredential client = service();
    register("https", https, this::server);
    register("mqtt-client", client, this::service);

    clock.advance(Duration.ofDays(20).minusMinutes(1));
    assertThat(renewal.runDue()).isZero();
    assertThat(renewal.nextRenewal()).contains(Instant.parse("2026-12-13T12:00:00Z"));

    clock.advance(Duration.ofMinutes(1));
    assertThat(renewal.runDue()).isEqualTo(1);
    HubCredential newClient = renewal.current("mqtt-client").orElseThrow();
    assertThat(newClient.serial()).isNotEqualTo(client.serial());
    assertThat(newClient.notAfter()).isEqualTo(clock.instant().plus(SERVICE_LIFE));
    assertThat(renewal.current("https").orElseThrow().serial()).isEqualTo(https.serial());
    assertThat(installed).containsExactly("mqtt-client:" + newClient.serial());

    clock.advance(Duration.ofDays(40)); // day 60: HTTPS (90 days) is due, the client (renewed day 20) is too
    assertThat(renewal.runDue()).isEqualTo(2);
    assertThat(renewal.current("https").orElseThrow().serial()).isNotEqualTo(https.serial());
    assertThat(audit).hasSize(3).allSatisfy(e -> {
      assertThat(e.action()).isEqualTo(CertRenewal.AUDIT_ACTION);
      assertThat(e.outcome()).isEqualTo("allowed");
      assertThat(e.actor()).isEqualTo("hub-1");
    });
    assertThat(audit).extracting(AuditEvent::subject).containsExactly("mqtt-client", "https", "mqtt-client");
  }

  @Test
  void renewedCertificatesChainToTheHubRootAndKeepTheirPurpose() throws Exception {
    register("https", server(), this::server);
    register("mqtt-client", service(), this::service);
    clock.advance(Duration.ofDays(61));
    renewal.runDue();

    HubCredential https = renewal.current("https").orElseThrow();
    HubCredential client = renewal.current("mqtt-client").orElseThrow();
    validates(https.chain(), clock.instant());
    validates(client.chain(), clock.instant());
    assertThat(https.leaf().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(client.leaf().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(CertificateAuthority.identityOf(client.leaf()).id()).isEqualTo("hub-1");
    assertThat(https.leaf().getPublicKey()).isNotEqualTo(client.leaf().getPublicKey());
  }

  @Test
  void aCertificateAlreadyPastTwoThirdsWhenRegisteredIsRenewedAtOnce() {
    HubCredential old = service(); // issued now, 30 days
    clock.advance(Duration.ofDays(21));
    register("mqtt-client", old, this::service);

    assertThat(renewal.nextRenewal().orElseThrow()).isBefore(clock.instant());
    assertThat(renewal.runDue()).isEqualTo(1);
    assertThat(renewal.current("mqtt-client").orElseThrow().serial()).isNotEqualTo(old.serial());
  }

  @Test
  void aFailedInstallKeepsTheOldCertificateAuditsTheFailureAndRetriesLater() {
    HubCredential old = server();
    AtomicInteger attempts = new AtomicInteger();
    renewal.register("broker", old, this::server, c -> {
      if (attempts.incrementAndGet() == 1) {
        throw new java.io.IOException("disk full");
      }
      installed.add(c.serial());
    });
    clock.advance(Duration.ofDays(60));
    assertThat(renewal.runDue()).isZero();
    assertThat(renewal.current("broker").orElseThrow().serial()).isEqualTo(old.serial());
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("refused");
      assertThat(e.reason()).isEqualTo("failed");
    });
    assertThat(renewal.nextRenewal()).contains(clock.instant().plus(CertRenewal.RETRY_AFTER));

    clock.advance(CertRenewal.RETRY_AFTER.minusSeconds(1));
    assertThat(renewal.runDue()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(renewal.runDue()).isEqualTo(1);
    assertThat(installed).containsExactly(renewal.current("broker").orElseThrow().serial());
  }

  @Test
  void statusShowsSerialExpiryAndNextRenewalOfEachCertificate() {
    HubCredential https = server();
    register("https", https, this::server);
    assertThat(renewal.status()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("https");
      assertThat(s.serial()).isEqualTo(https.serial());
      assertThat(s.notAfter()).isEqualTo(clock.instant().plus(SERVER_LIFE));
      assertThat(s.nextRenewal()).isEqualTo(clock.instant().plus(Duration.ofDays(60)));
      assertThat(s.renewals()).isZero();
    });
  }

  @Test
  void startedOnAnExecutorItRenewsWhenDueWithoutBeingCalled() throws Exception {
    HubCredential old = service();
    clock.advance(Duration.ofDays(25));
    ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
    try {
      register("mqtt-client", old, this::service);
      renewal.start(ex);
      await().atMost(Duration.ofSeconds(10)).until(() -> installed.size() == 1);
      assertThat(renewal.current("mqtt-client").orElseThrow().serial()).isNotEqualTo(old.serial());
    } finally {
      ex.shutdownNow();
    }
  }

  private void validates(List<X509Certificate> chain, Instant at) throws Exception {
    X509Certificate root = chain.get(chain.size() - 1);
    assertThat(root).isEqualTo(ca.root());
    List<X509Certificate> path = new ArrayList<>(chain.subList(0, chain.size() - 1));
    PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    p.setRevocationEnabled(false);
    p.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), p);
  }
}
