package io.fedge.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DropFolder;
import io.fedge.agent.data.FileIngest;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestSettings;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentTest {
  @TempDir Path dir;

  /** An in-memory uplink: records what would be queued to the hub; can play "not enrolled yet". */
  static final class RecordingUplink implements Uplink {
    final List<ConsentDecision> sent = new ArrayList<>();
    boolean enrolled = true;

    @Override
    public String deviceId() {
      return "dev-1";
    }

    @Override
    public String send(String kind, Object body) {
      if (!enrolled) {
        throw new IllegalStateException("the agent has not enrolled yet");
      }
      assertThat(kind).isEqualTo(Kinds.CONSENT);
      // through the real codec, as the hub would receive it
      var env = WireCodec.decode(WireCodec.encode(WireCodec.envelope(kind, "dev-1", Instant.now(), body)));
      sent.add(WireCodec.body(env, ConsentDecision.class));
      return WireCodec.newMessageId();
    }
  }

  private final RecordingUplink uplink = new RecordingUplink();
  private final Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
  private Clock clock = Clock.fixed(t0, ZoneOffset.UTC);
  private ConsentService consent;
  private DataStore data;

  @BeforeEach
  void open() throws IOException {
    consent = ConsentService.open(dir.resolve("state/consent.db"), uplink, clockRef());
    data = DataStore.open(dir.resolve("state/data.db"));
    StringBuilder csv = new StringBuilder("age,income,vip,name,churned\n");
    for (int i = 0; i < 100; i++) {
      csv.append(20 + i).append(',').append(i == 5 ? "" : (1000 + i) + ".5").append(',').append(i % 2 == 0)
          .append(",n").append(i).append(',').append(i % 3 == 0).append('\n');
    }
    Files.createDirectories(dir.resolve("drop"));
    Files.writeString(dir.resolve("drop/customers.csv"), csv);
    IngestSettings s = IngestSettings.defaults().withSettle(Duration.ZERO);
    new DropFolder(dir.resolve("drop"), new FileIngest(data, new IngestMonitor(), s, Clock.systemUTC(), null), s,
        Clock.systemUTC()).scanOnce();
  }

  private Clock clockRef() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock.instant();
      }
    };
  }

  @AfterEach
  void close() {
    consent.close();
    data.close();
  }

  private JobOffer offer(String id, String requester, String... columns) {
    return new JobOffer(id, "Churn model", requester, "predict churn", List.of(new DatasetColumns("customers", List.of(columns))),
        t0.plus(Duration.ofDays(1)));
  }

  @Test
  void anOfferWaitsForTheDealerAndARedeliveryChangesNothing() {
    consent.onOffer(offer("job-1", "Acme Bank", "age", "income"));
    consent.onOffer(new JobOffer("job-1", "Other", "Mallory", "x", List.of(new DatasetColumns("customers", List.of("name"))),
        t0.plusSeconds(60)));
    assertThat(consent.pending()).singleElement().satisfies(r -> {
      assertThat(r.requester()).isEqualTo("Acme Bank");
      assertThat(r.reads()).containsExactly(new DatasetColumns("customers", List.of("age", "income")));
    });
    assertThat(uplink.sent).isEmpty();
  }

  @Test
  void theDealersApprovalIsStoredWithWhoWhenAndSentToTheHub() {
    consent.onOffer(offer("job-1", "Acme Bank", "age", "income"));
    clock = Clock.fixed(t0.plusSeconds(30), ZoneOffset.UTC);
    consent.approve("job-1", "maria");
    assertThat(uplink.sent).singleElement().satisfies(d -> {
      assertThat(d.approved()).isTrue();
      assertThat(d.jobId()).isEqualTo("job-1");
      assertThat(d.decidedBy()).isEqualTo("maria");
      assertThat(d.decidedAt()).isEqualTo(t0.plusSeconds(30));
      assertThat(d.basis()).isEqualTo("dealer");
      assertThat(d.reads()).containsExactly(new DatasetColumns("customers", List.of("age", "income")));
    });
    consent.close();
    consent = ConsentService.open(dir.resolve("state/consent.db"), uplink, clockRef());
    assertThat(consent.history(10)).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(ConsentRequest.Status.APPROVED);
      assertThat(r.decidedBy()).isEqualTo("maria");
    });
    assertThatThrownBy(() -> consent.refuse("job-1", "maria", "changed my mind"))
        .isInstanceOf(ConsentException.class).hasMessageContaining("already decided");
  }

  @Test
  void aRefusalCarriesItsReasonAndApprovesNothing() {
    consent.onOffer(offer("job-2", "Acme Bank", "age"));
    consent.refuse("job-2", "maria", "not this quarter");
    assertThat(uplink.sent).singleElement().satisfies(d -> {
      assertThat(d.approved()).isFalse();
      assertThat(d.reads()).isEmpty();
      assertThat(d.basis()).isEqualTo("dealer: not this quarter");
    });
    assertThatThrownBy(() -> new ConsentGuard(consent, data).access("job-2"))
        .isInstanceOf(ConsentException.class).hasMessageContaining("REFUSED");
  }

  @Test
  void aStandingPolicyApprovesOnlyWhatItCovers() {
    consent.putPolicy("acme-basic", "Acme Bank", List.of(new DatasetColumns("customers", List.of("age", "income", "vip"))),
        "maria");
    consent.onOffer(offer("job-3", "Acme Bank", "age", "vip"));
    consent.onOffer(offer("job-4", "Acme Bank", "age", "name"));
    consent.onOffer(offer("job-5", "Other Corp", "age"));
    assertThat(consent.request("job-3").orElseThrow().status()).isEqualTo(ConsentRequest.Status.APPROVED);
    assertThat(uplink.sent).singleElement().satisfies(d -> {
      assertThat(d.jobId()).isEqualTo("job-3");
      assertThat(d.decidedBy()).isEqualTo("policy:acme-basic");
      assertThat(d.basis()).isEqualTo("policy:acme-basic");
    });
    assertThat(consent.pending()).extracting(ConsentRequest::jobId).containsExactly("job-4", "job-5");
  }

  @Test
  void anExpiredOfferCannotBeApproved() {
    consent.onOffer(offer("job-6", "Acme Bank", "age"));
    clock = Clock.fixed(t0.plus(Duration.ofDays(2)), ZoneOffset.UTC);
    assertThatThrownBy(() -> consent.approve("job-6", "maria")).isInstanceOf(ConsentException.class)
        .hasMessageContaining("expired");
    assertThat(consent.request("job-6").orElseThrow().status()).isEqualTo(ConsentRequest.Status.EXPIRED);
    assertThat(uplink.sent).singleElement().satisfies(d -> assertThat(d.basis()).isEqualTo("expired"));
  }

  @Test
  void decisionsTakenBeforeEnrollmentAreSentLater() {
    uplink.enrolled = false;
    consent.onOffer(offer("job-7", "Acme Bank", "age"));
    consent.approve("job-7", "maria");
    assertThat(uplink.sent).isEmpty();
    uplink.enrolled = true;
    consent.resendUnsent();
    consent.resendUnsent();
    assertThat(uplink.sent).singleElement().satisfies(d -> assertThat(d.jobId()).isEqualTo("job-7"));
  }

  @Test
  void invalidOffersAreRefusedAtTheBoundary() {
    assertThatThrownBy(() -> consent.onOffer(offer("Job_1", "Acme", "age"))).hasMessageContaining("jobId");
    assertThatThrownBy(() -> consent.onOffer(new JobOffer("job-8", "t", "Acme", "p", List.of(), t0.plusSeconds(9))))
        .hasMessageContaining("1-100 datasets");
    assertThatThrownBy(() -> consent.onOffer(offer("job-9", "Acme", "age", "age"))).hasMessageContaining("each once");
  }

  @Test
  void theGuardRefusesEveryColumnThatWasNotApproved() {
    consent.onOffer(offer("job-10", "Acme Bank", "age", "income", "vip", "name"));
    ConsentGuard guard = new ConsentGuard(consent, data);
    assertThatThrownBy(() -> guard.access("job-10")).isInstanceOf(ConsentException.class).hasMessageContaining("PENDING");
    assertThatThrownBy(() -> guard.access("job-unknown")).isInstanceOf(ConsentException.class);
    consent.approve("job-10", "maria");
    JobDataAccess access = guard.access("job-10");

    assertThatThrownBy(() -> access.readNumeric("customers", List.of("age", "churned"), 10))
        .isInstanceOf(ConsentException.class)
        .hasMessageContaining("not approved to read column 'churned' of dataset 'customers'");
    assertThatThrownBy(() -> access.readNumeric("orders", List.of("age"), 10))
        .isInstanceOf(ConsentException.class).hasMessageContaining("dataset 'orders'");
    assertThatThrownBy(() -> access.readNumeric("customers", List.of("name"), 1000))
        .isInstanceOf(DataException.class).hasMessageContaining("string column");

    NumericTable t = access.readNumeric("customers", List.of("age", "income", "vip"), 1000);
    assertThat(t.rows()).isEqualTo(100);
    assertThat(t.get(0, 0)).isEqualTo(20.0);
    assertThat(t.get(0, 1)).isEqualTo(1000.5);
    assertThat(t.get(0, 2)).isEqualTo(1.0);
    assertThat(t.get(1, 2)).isEqualTo(0.0);
    assertThat(t.get(5, 1)).isNaN();

    List<NumericTable> blocks = new ArrayList<>();
    access.readNumeric("customers", List.of("age"), 30, blocks::add);
    assertThat(blocks).extracting(NumericTable::rows).containsExactly(30, 30, 30, 10);
    assertThat(blocks.get(3).get(9, 0)).isEqualTo(119.0);

    consent.revoke("job-10", "maria", "audit");
    assertThatThrownBy(() -> access.readNumeric("customers", List.of("age"), 1000))
        .isInstanceOf(ConsentException.class).hasMessageContaining("REVOKED");
    assertThat(uplink.sent.get(uplink.sent.size() - 1).approved()).isFalse();
  }
}
