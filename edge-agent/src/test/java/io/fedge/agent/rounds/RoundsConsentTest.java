package io.fedge.agent.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.agent.consent.ConfiguredPolicy;
import io.fedge.agent.consent.ConsentException;
import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.ConsentService;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DropFolder;
import io.fedge.agent.data.FileIngest;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestSettings;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.config.Settings;
import io.fedge.federation.model.Table;
import io.fedge.federation.rounds.DatasetRead;
import io.fedge.federation.rounds.RoundDecline;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consent governs federated training: rounds read ingested data only as far as the dealer approved. */
class RoundsConsentTest {
  @TempDir Path dir;

  /** Every message as the hub would receive it (through the real codec). */
  private final List<Envelope> sent = new CopyOnWriteArrayList<>();
  private final Uplink uplink = new Uplink() {
    @Override
    public String deviceId() {
      return "dev-1";
    }

    @Override
    public String send(String kind, Object body) {
      Envelope e = WireCodec.decode(WireCodec.encode(WireCodec.envelope(kind, "dev-1", Instant.now(), body)));
      sent.add(e);
      return e.id();
    }
  };
  private ConsentService consent;
  private DataStore data;
  private ConsentGuard guard;
  private volatile boolean ledgerAlarm;
  private AgentRounds rounds;

  @BeforeEach
  void open() throws Exception {
    consent = ConsentService.open(dir.resolve("state/consent.db"), uplink, Clock.systemUTC());
    data = DataStore.open(dir.resolve("state/data.db"));
    StringBuilder csv = new StringBuilder("age,income,vip,name,churned\n");
    for (int i = 0; i < 100; i++) {
      csv.append(20 + i).append(',').append(i == 5 ? "" : (1000 + i) + ".5").append(',').append(i % 2 == 0)
          .append(",n").append(i).append(',').append(i % 3 == 0 ? 1 : 0).append('\n');
    }
    Files.createDirectories(dir.resolve("drop"));
    Files.writeString(dir.resolve("drop/customers.csv"), csv);
    IngestSettings s = IngestSettings.defaults().withSettle(Duration.ZERO);
    new DropFolder(dir.resolve("drop"), new FileIngest(data, new IngestMonitor(), s, Clock.systemUTC(), null), s,
        Clock.systemUTC()).scanOnce();
    guard = new ConsentGuard(consent, data);
    rounds = new AgentRounds(uplink, () -> {
      throw new IllegalStateException("no credentials in this test: a declined round never needs them");
    }, new ConsentedTrainingData(() -> guard), () -> !ledgerAlarm, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    rounds.close();
    consent.close();
    data.close();
  }

  private void offer(String jobId, String... columns) {
    consent.onOffer(new JobOffer(jobId, "Churn", "Acme Bank", "predict churn",
        List.of(new DatasetColumns("customers", List.of(columns))), Instant.now().plus(Duration.ofDays(1))));
  }

  private static RoundInvite invite(String jobId, String label, List<String> features) {
    JsonNode hyper = WireCodec.mapper().valueToTree(Map.of("featureList", features));
    List<String> reads = new java.util.ArrayList<>(List.of(label));
    reads.addAll(features);
    return new RoundInvite(jobId, 1, 1, RoundInvite.SCALE, new byte[32], Instant.now().plusSeconds(60), List.of("dev-1"),
        List.of(new DatasetRead("customers", reads)), label, WireCodec.mapper().valueToTree(Map.of("type", "logistic")),
        hyper, "fedavg", null, 0, null, null, null, null, null);
  }

  private List<RoundDecline> declines() {
    return sent.stream().filter(e -> e.type().equals(Kinds.ROUND_DECLINE)).map(e -> WireCodec.body(e, RoundDecline.class))
        .toList();
  }

  @Test
  void aRoundOfAJobTheDealerHasNotApprovedIsDeclinedWithTheReasonAndReadsNothing() {
    offer("job-1", "churned", "age", "income");
    rounds.onInvite(invite("job-1", "churned", List.of("age", "income")));

    assertThat(declines()).singleElement().satisfies(d -> {
      assertThat(d.jobId()).isEqualTo("job-1");
      assertThat(d.reason()).contains("refused by the agent").contains("PENDING");
    });
    assertThat(sent).noneMatch(e -> e.type().equals(Kinds.CONSENT)); // rounds never answers offers itself
  }

  @Test
  void anApprovedJobIsDeclinedWhileALedgerAlarmStands() {
    offer("job-4", "churned", "age", "income");
    consent.approve("job-4", "maria");
    ledgerAlarm = true;
    rounds.onInvite(invite("job-4", "churned", List.of("age", "income")));

    assertThat(declines()).singleElement().satisfies(d ->
        assertThat(d.reason()).contains("ledger check").contains("until ops clear"));
  }

  @Test
  void aRoundAskingForAColumnBeyondTheApprovalIsDeclinedNamingTheColumn() {
    offer("job-2", "churned", "age", "income");
    consent.approve("job-2", "maria");
    rounds.onInvite(invite("job-2", "churned", List.of("age", "vip")));

    assertThat(declines()).singleElement().satisfies(d ->
        assertThat(d.reason()).contains("not approved to read column 'vip'"));
  }

  @Test
  void anApprovedJobTrainsOnTheIngestedRowsWithTheLabelAsYAndFeaturesInTheJobsOrder() {
    offer("job-3", "churned", "age", "income");
    consent.approve("job-3", "maria");
    ConsentedTrainingData training = new ConsentedTrainingData(() -> guard);

    Table t = training.load(invite("job-3", "churned", List.of("income", "age")));

    assertThat(t.columns()).containsExactly("income", "age");
    assertThat(t.rows()).isEqualTo(99); // row 5 has no income: not trainable
    assertThat(t.get(0, 0)).isEqualTo(1000.5);
    assertThat(t.get(0, 1)).isEqualTo(20.0);
    assertThat(t.y()[0]).isEqualTo(1.0);
    assertThat(t.y()[1]).isEqualTo(0.0);
    assertThat(t.get(5, 1)).isEqualTo(26.0); // the row after the dropped one

    consent.revoke("job-3", "maria", "audit");
    assertThatThrownBy(() -> training.load(invite("job-3", "churned", List.of("income", "age"))))
        .isInstanceOf(ConsentException.class).hasMessageContaining("REVOKED");
  }

  @Test
  void aPolicyProvisionedInTheConfigurationApprovesCoveredJobsWithItsNameAsBasis() {
    Settings s = Settings.of(Map.of("consent.policies", "sim", "consent.policy.sim.requester", "Acme Bank",
        "consent.policy.sim.reads", "customers:churned,age,income"), "FEDGE_AGENT");
    consent.applyConfigured(ConfiguredPolicy.from(s));
    offer("job-4", "churned", "age");
    offer("job-5", "churned", "vip");

    assertThat(consent.request("job-4").orElseThrow().basis()).isEqualTo("policy:sim");
    assertThat(consent.request("job-5").orElseThrow().status().name()).isEqualTo("PENDING");

    consent.applyConfigured(List.of()); // the policy was taken out of the configuration
    assertThat(consent.policies()).isEmpty();
    assertThatThrownBy(() -> ConfiguredPolicy.from(Settings.of(Map.of("consent.policies", "sim",
        "consent.policy.sim.requester", "Acme", "consent.policy.sim.reads", "customers"), "FEDGE_AGENT")))
        .hasMessageContaining("dataset:column");
  }
}
