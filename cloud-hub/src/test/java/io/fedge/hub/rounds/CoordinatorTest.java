package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.time.MutableClock;
import io.fedge.hub.rounds.RoundRecords.JobState;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorTest {
  static final Path DATA = Path.of("..", "examples", "data", "fate");
  static final List<Path> BREAST = List.of(DATA.resolve("breast_homo_guest.csv"), DATA.resolve("breast_homo_host.csv"));

  @TempDir Path dir;
  /**
   * The hub's clock, still unless a test moves it: no phase times out on a slow machine, so each
   * attempt advances only when its participants answer, as the tests mean it to.
   */
  final MutableClock clock = new MutableClock(Instant.now());

  static String job(String id, boolean secure, int rounds, String participants, String extra) {
    StringBuilder cols = new StringBuilder("\"y\"");
    for (int i = 0; i < 30; i++) {
      cols.append(",\"x").append(i).append('"');
    }
    return "{\"id\":\"" + id + "\",\"purpose\":\"test\",\"participants\":" + participants + ","
        + "\"datasets\":[{\"dataset\":\"breast\",\"columns\":[" + cols + "]}],\"label\":\"y\","
        + "\"model\":{\"type\":\"logistic\"},\"hyper\":{\"learningRate\":0.1,\"localEpochs\":2,\"batchSize\":32},"
        + "\"rounds\":" + rounds + ",\"roundDeadlineSeconds\":20,"
        + "\"secureAggregation\":{\"enabled\":" + secure + ",\"maxDropoutFraction\":0.3},"
        + "\"validation\":{\"path\":\"" + DATA.resolve("breast_homo_test.csv") + "\"}" + extra + "}";
  }

  private InMemoryFederation federation(List<Path> files) throws Exception {
    return new InMemoryFederation(dir, "jdbc:sqlite:" + dir.resolve("hub.db"), files, clock);
  }

  private static void awaitState(InMemoryFederation f, String id, JobState s) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50))
        .until(() -> f.job(id).state().terminal());
    assertThat(f.job(id).state()).as("job %s: %s", id, f.job(id).reason()).isEqualTo(s);
  }

  @Test
  void aFederatedLogisticRegressionReachesTheQualityOfCentralTraining() throws Exception {
    try (InMemoryFederation f = federation(BREAST)) {
      f.coordinator.submit(job("breast-lr", false, 5, "[\"d-site1\",\"d-site2\"]", "").getBytes(StandardCharsets.UTF_8));
      awaitState(f, "breast-lr", JobState.DONE);
      List<RoundRow> rounds = f.store.rounds("breast-lr");
      assertThat(rounds).extracting(RoundRow::round).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(rounds).allMatch(r -> r.state() == RoundState.DONE);
      RoundDigest last = f.digests.get(f.digests.size() - 1);
      assertThat(last.participants()).containsExactly("d-site1", "d-site2");
      assertThat(last.commitments()).hasSize(2);
      assertThat(last.contributions()).hasSize(2);
      double auc = last.metrics().get("auc");
      assertThat(auc).isGreaterThan(centralAuc() - 0.02);
      var model = f.store.models().get(0);
      assertThat(model.jobId()).isEqualTo("breast-lr");
      assertThat(model.participantsJson()).contains("d-site1", "d-site2");
    }
  }

  /** The same model trained centrally on the union, with the same trainer, epochs and scaling. */
  static double centralAuc() throws Exception {
    Table all = Table.concat(List.of(InMemoryFederation.table(BREAST.get(0)), InMemoryFederation.table(BREAST.get(1))));
    Scaler s = Scaler.fit(all);
    Model m = Models.create(ModelSpec.logistic(), all.cols());
    for (int r = 1; r <= 5; r++) {
      io.fedge.federation.model.LocalTrainer.train(m, s.transform(all),
          new io.fedge.federation.model.TrainParams(2, 32, 0.1, 0, 0, r), m.parameters());
    }
    return Metrics.evaluate(m, s.transform(InMemoryFederation.table(DATA.resolve("breast_homo_test.csv")))).auc();
  }

  @Test
  void securelyAggregatedRoundsGiveTheModelOfPlainFedAvg() throws Exception {
    double[] plain;
    double[] secure;
    try (InMemoryFederation f = federation(BREAST)) {
      f.coordinator.submit(job("plain", false, 2, "[\"d-site1\",\"d-site2\"]", "").getBytes(StandardCharsets.UTF_8));
      awaitState(f, "plain", JobState.DONE);
      plain = Aggregation.decode(f.job("plain").globalParams());
      f.coordinator.submit(job("secure", true, 2, "[\"d-site1\",\"d-site2\"]", "").getBytes(StandardCharsets.UTF_8));
      awaitState(f, "secure", JobState.DONE);
      secure = Aggregation.decode(f.job("secure").globalParams());
      assertThat(f.digests.get(f.digests.size() - 1).contributions()).isEmpty();
    }
    assertThat(secure).hasSameSizeAs(plain);
    for (int i = 0; i < plain.length; i++) {
      // 24 fractional bits: each coordinate of the sum is exact to n * 2^-25, divided by the sample total
      assertThat(secure[i]).isCloseTo(plain[i], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void aSecureRoundCompletesWhenThirtyPercentDropAfterSendingMaskedInput() throws Exception {
    List<Path> ten = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(BREAST.get(i % 2));
    }
    try (InMemoryFederation f = federation(ten)) {
      // sites 8, 9, 10 vanish after their masked input: they never see the unmask request
      f.dropDown = (d, m) -> m instanceof SecAggMessage s && s.step() == SecAggMessage.Step.UNMASK_REQUEST
          && List.of("d-site8", "d-site9", "d-site10").contains(d);
      StringBuilder ps = new StringBuilder("[");
      for (int i = 1; i <= 10; i++) {
        ps.append(i > 1 ? "," : "").append("\"d-site").append(i).append('"');
      }
      ps.append(']');
      f.coordinator.submit(job("dropouts", true, 1, ps.toString(), ",\"quorum\":5,\"pipeline\":[\"train\",\"publish\"]")
          .getBytes(StandardCharsets.UTF_8));
      // with the clock still, advertising, sharing and collecting close only once all ten have answered
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> f.coordinator.progress("dropouts")
          .filter(p -> p.state().equals("UNMASKING") && p.unmasked().size() == 7).isPresent());
      RoundProgress unmasking = f.coordinator.progress("dropouts").orElseThrow();
      assertThat(unmasking.uploaded()).hasSize(10);
      assertThat(unmasking.advertised()).hasSize(10);
      // the three that vanished never answer: the unmasking deadline passes and the seven survivors suffice
      clock.set(unmasking.phaseDeadline());
      awaitState(f, "dropouts", JobState.DONE);
      RoundDigest d = f.digests.get(0);
      assertThat(d.participants()).hasSize(10); // all ten masked inputs are in the sum
      assertThat(f.store.rounds("dropouts")).extracting(RoundRow::attempt).containsExactly(1);
    }
  }

  @Test
  void aDeviceThatRefusesIsExcludedWithItsReasonRecorded() throws Exception {
    List<Path> three = List.of(BREAST.get(0), BREAST.get(1), BREAST.get(0));
    try (InMemoryFederation f = federation(three)) {
      f.refusing.add("d-site3");
      f.coordinator.submit(job("consent", false, 1, "[\"d-site1\",\"d-site2\",\"d-site3\"]", ",\"quorum\":2")
          .getBytes(StandardCharsets.UTF_8));
      awaitState(f, "consent", JobState.DONE);
      var p3 = f.store.participants("consent").stream().filter(p -> p.deviceId().equals("d-site3")).findFirst().orElseThrow();
      assertThat(p3.consent()).isEqualTo("refused");
      assertThat(p3.reason()).contains("not this job");
      assertThat(f.devices.get("d-site3").stages).isEmpty();
      assertThat(f.digests.get(f.digests.size() - 1).participants()).containsExactly("d-site1", "d-site2");
    }
  }

  @Test
  void aHubKilledWhileCollectingResumesTheRoundFromItsStoredUpdates() throws Exception {
    try (InMemoryFederation f = federation(BREAST)) {
      // site 2 never gets the round-1 invitation before the kill: only site 1's update is stored
      f.dropDown = (d, m) -> d.equals("d-site2") && m instanceof io.fedge.federation.rounds.RoundInvite i && i.round() == 1;
      f.coordinator.submit(job("restart", false, 2, "[\"d-site1\",\"d-site2\"]", "").getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(120)).until(() -> f.store.updates("restart", 1, 1).size() == 1);
      f.killHub();
      f.dropDown = (d, m) -> false;
      f.startHub(); // recovers what the killed hub left open
      awaitState(f, "restart", JobState.DONE);
      assertThat(f.store.rounds("restart")).filteredOn(r -> r.round() == 1).extracting(RoundRow::attempt).containsExactly(1);
      assertThat(f.store.updates("restart", 1, 1)).hasSize(2);
    }
  }

  @Test
  void aHubKilledDuringSecureAggregationFailsThatAttemptAndRetriesIt() throws Exception {
    try (InMemoryFederation f = federation(BREAST)) {
      f.dropDown = (d, m) -> d.equals("d-site2") && m instanceof SecAggMessage s && s.step() == SecAggMessage.Step.KEY_DIRECTORY;
      f.coordinator.submit(job("restart-sa", true, 1, "[\"d-site1\",\"d-site2\"]", ",\"pipeline\":[\"train\"]")
          .getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(120)).until(() -> f.store.rounds("restart-sa").stream()
          .anyMatch(r -> r.state() == RoundState.SHARING));
      f.killHub();
      f.dropDown = (d, m) -> false;
      f.startHub(); // recovers what the killed hub left open
      awaitState(f, "restart-sa", JobState.DONE);
      List<RoundRow> rs = f.store.rounds("restart-sa");
      assertThat(rs).extracting(RoundRow::attempt).containsExactly(1, 2);
      assertThat(rs.get(0).state()).isEqualTo(RoundState.FAILED);
      assertThat(rs.get(0).reason()).contains("hub restarted");
      assertThat(rs.get(1).state()).isEqualTo(RoundState.DONE);
    }
  }
}
