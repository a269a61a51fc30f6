package io.fedge.federation.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.model.Evaluation;
import io.fedge.federation.model.FateData;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.RocPoint;
import io.fedge.federation.model.Table;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A participant's local evaluation of each round's global model: the seeded per-row holdout that
 * training never sees, the metrics and ROC curve on it, and the participant collecting the global
 * model after a DONE {@code round-end} (checked against the round's aggregate hash) to score it.
 */
class LocalEvaluationTest {
  static final Table BREAST = FateData.read("breast_homo_guest.csv");

  static RoundInvite invite(String jobId, String phase, int round, Table t, String paramsTransfer, int params,
      Map<String, Object> extraHyper) {
    return invite(jobId, "breast", phase, round, t, paramsTransfer, params, extraHyper);
  }

  static RoundInvite invite(String jobId, String dataset, String phase, int round, Table t, String paramsTransfer,
      int params, Map<String, Object> extraHyper) {
    ObjectNode hyper = WireCodec.mapper().createObjectNode();
    hyper.set("featureList", WireCodec.mapper().valueToTree(t.columns()));
    hyper.put("learningRate", 0.1);
    hyper.put("localEpochs", 2);
    hyper.put("batchSize", 16);
    extraHyper.forEach((k, v) -> hyper.set(k, WireCodec.mapper().valueToTree(v)));
    List<String> reads = new ArrayList<>(List.of("y"));
    reads.addAll(t.columns());
    JsonNode model = WireCodec.mapper().valueToTree(Map.of("type", "logistic"));
    return new RoundInvite(jobId, round, 1, phase, RoundKeyPair.generate(new SecureRandom()).publicKey(),
        Instant.now().plusSeconds(60), List.of("dev-1"), List.of(new DatasetRead(dataset, reads)), "y", model, hyper,
        "fedavg", paramsTransfer, params, null, null, null, null, 5);
  }

  static RoundInvite invite(String jobId, Table t) {
    return invite(jobId, RoundInvite.TRAIN, 1, t, null, t.cols() + 1, Map.of());
  }

  @Test
  void aSeededShareOfTheRowsIsHeldOutAndTrainingNeverSeesIt() throws Exception {
    TableLearner learner = new TableLearner(inv -> BREAST);
    TableLearner.Parts p = learner.parts(invite("breast-job", BREAST));
    assertThat(p.holdout()).isNotNull();
    assertThat(p.train().rows() + p.holdout().rows()).isEqualTo(BREAST.rows());
    assertThat((double) p.holdout().rows() / BREAST.rows()).isBetween(0.12, 0.28); // about 20 % of 227 rows
    Set<String> train = new HashSet<>();
    for (int i = 0; i < p.train().rows(); i++) {
      train.add(rowKey(p.train(), i));
    }
    for (int i = 0; i < p.holdout().rows(); i++) {
      assertThat(train).doesNotContain(rowKey(p.holdout(), i));
    }
    // every job over the same dataset holds out the same rows (comparable evaluations); another dataset other ones
    assertThat(learner.parts(invite("breast-job", BREAST)).holdout()).isEqualTo(p.holdout());
    assertThat(learner.parts(invite("other-job", BREAST)).holdout()).isEqualTo(p.holdout());
    assertThat(learner.parts(invite("other-job", "breast-2025", RoundInvite.TRAIN, 1, BREAST, null, BREAST.cols() + 1,
        Map.of())).holdout()).isNotEqualTo(p.holdout());
    // training reports exactly the training part's rows as its samples
    LocalLearner.Outcome o = learner.train(invite("breast-job", BREAST), new double[BREAST.cols() + 1]);
    assertThat(o.samples()).isEqualTo(p.train().rows());
  }

  @Test
  void rowsAddedToTheDatasetNeverMoveAnEarlierRowBetweenTrainingAndHoldout() throws Exception {
    int[] first = new int[150];
    for (int i = 0; i < first.length; i++) {
      first[i] = i;
    }
    Table before = BREAST.select(first);
    TableLearner.Parts a = new TableLearner(inv -> before).parts(invite("grow", before));
    TableLearner.Parts b = new TableLearner(inv -> BREAST).parts(invite("grow", BREAST));
    assertThat(b.holdout().rows()).isGreaterThanOrEqualTo(a.holdout().rows());
    Set<String> later = new HashSet<>();
    for (int i = 0; i < b.holdout().rows(); i++) {
      later.add(rowKey(b.holdout(), i));
    }
    for (int i = 0; i < a.holdout().rows(); i++) {
      assertThat(later).contains(rowKey(a.holdout(), i));
    }
  }

  @Test
  void theGlobalModelIsScoredOnTheHoldoutWithAucLossAndRocCurve() throws Exception {
    TableLearner learner = new TableLearner(inv -> BREAST);
    RoundInvite inv = invite("breast-job", BREAST);
    double[] trained = learner.train(inv, new double[BREAST.cols() + 1]).parameters();
    LocalEvaluation e = learner.evaluate(inv, trained);

    Table holdout = learner.parts(inv).holdout();
    var model = Models.create(TableLearner.modelSpec(inv.model()), BREAST.cols());
    model.setParameters(trained);
    Evaluation expected = Metrics.evaluate(model, holdout);
    assertThat(e.heldOut()).isTrue();
    assertThat(e.rows()).isEqualTo(holdout.rows());
    assertThat(e.auc()).isEqualTo(expected.auc()).isGreaterThan(0.9); // breast is easy: a learned model separates it
    assertThat(e.logLoss()).isEqualTo(expected.logLoss());
    assertThat(e.roc()).hasSizeGreaterThan(2);
    assertThat(e.roc().get(0)).extracting(RocPoint::fpr, RocPoint::tpr).containsExactly(0.0, 0.0);
    assertThat(e.roc().get(e.roc().size() - 1)).extracting(RocPoint::fpr, RocPoint::tpr).containsExactly(1.0, 1.0);

    // the untrained (all-zero) model scores 0.5 everywhere: chance AUC and log-loss ln 2
    LocalEvaluation zero = learner.evaluate(inv, new double[BREAST.cols() + 1]);
    assertThat(zero.auc()).isEqualTo(0.5);
    assertThat(zero.logLoss()).isCloseTo(Math.log(2), within(1e-12));
    assertThat(e.logLoss()).isLessThan(zero.logLoss());
  }

  @Test
  void aSiteWithFewRowsOrAJobAskingNoHoldoutScoresItsTrainingRows() throws Exception {
    Table small = BREAST.select(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    LocalEvaluation e = new TableLearner(inv -> small).evaluate(invite("small", small), new double[small.cols() + 1]);
    assertThat(e.heldOut()).isFalse();
    assertThat(e.rows()).isEqualTo(10);

    RoundInvite none = invite("none", RoundInvite.TRAIN, 1, BREAST, null, BREAST.cols() + 1, Map.of("evalHoldout", 0));
    LocalEvaluation all = new TableLearner(inv -> BREAST).evaluate(none, new double[BREAST.cols() + 1]);
    assertThat(all.heldOut()).isFalse();
    assertThat(all.rows()).isEqualTo(BREAST.rows());

    RoundInvite bad = invite("bad", RoundInvite.TRAIN, 1, BREAST, null, BREAST.cols() + 1, Map.of("evalHoldout", 0.9));
    assertThatThrownBy(() -> new TableLearner(inv -> BREAST).evaluate(bad, new double[BREAST.cols() + 1]))
        .hasMessageContaining("evalHoldout");
  }

  /** A participant over an in-memory link: what it sends, and what its listener hears. */
  static final class Harness {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<LocalEvaluation> evaluations = new CopyOnWriteArrayList<>();
    final List<String> stages = new CopyOnWriteArrayList<>();
    final RoundParticipant participant;

    Harness(Table data) throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair device = g.generateKeyPair();
      participant = new RoundParticipant("dev-1", device::getPrivate, List::of, new TableLearner(inv -> data),
          (kind, body) -> sent.add(kind), Runnable::run, new SecureRandom(), new ParticipantListener() {
            @Override
            public void progress(String jobId, int round, int attempt, String stage, double loss, String detail) {
              stages.add(stage);
            }

            @Override
            public void evaluated(RoundEnd end, LocalEvaluation e) {
              evaluations.add(e);
            }
          });
    }

    /** Plays round 1 of a job: the invite and the global parameters it starts from; the update is sent. */
    RoundInvite trainRound(String jobId, Table t, double[] global) {
      String transfer = RoundIds.paramsTransfer(jobId, 1, 1);
      RoundInvite inv = invite(jobId, RoundInvite.TRAIN, 1, t, transfer, global.length, Map.of());
      participant.onInvite(inv);
      Chunks.split(transfer, UpdatePayload.plain(0, 0, global).encode()).forEach(participant::onChunk);
      assertThat(sent).contains(Kinds.ROUND_CHUNK);
      return inv;
    }
  }

  @Test
  void aParticipantEvaluatesTheGlobalModelItReceivesAfterADoneRound() throws Exception {
    Harness h = new Harness(BREAST);
    double[] start = new double[BREAST.cols() + 1];
    h.trainRound("job-a", BREAST, start);
    double[] next = new TableLearner(inv -> BREAST).train(invite("job-a", BREAST), start).parameters();
    String transfer = RoundIds.globalTransfer("job-a", 1, 1);
    List<Chunk> chunks = Chunks.split(transfer, UpdatePayload.plain(0, 0, next).encode());
    // the chunks may come before the round-end: nothing is evaluated until both are in
    h.participant.onChunk(chunks.get(0));
    assertThat(h.evaluations).isEmpty();
    h.participant.onEnd(new RoundEnd("job-a", 1, 1, RoundEnd.DONE, null, RoundParticipant.globalSha256(next), 0.3, transfer));
    for (int i = 1; i < chunks.size(); i++) {
      h.participant.onChunk(chunks.get(i));
    }
    assertThat(h.evaluations).singleElement().satisfies(e -> {
      assertThat(e.jobId()).isEqualTo("job-a");
      assertThat(e.round()).isEqualTo(1);
      assertThat(e.heldOut()).isTrue();
      assertThat(e.auc()).isGreaterThan(0.9);
      assertThat(e.roc()).isNotEmpty();
    });
    // a redelivered chunk evaluates nothing twice
    h.participant.onChunk(chunks.get(0));
    assertThat(h.evaluations).hasSize(1);
  }

  @Test
  void aGlobalModelThatIsNotTheRoundsAggregateIsNotEvaluated() throws Exception {
    Harness h = new Harness(BREAST);
    double[] start = new double[BREAST.cols() + 1];
    h.trainRound("job-b", BREAST, start);
    double[] other = start.clone();
    other[0] = 1;
    String transfer = RoundIds.globalTransfer("job-b", 1, 1);
    h.participant.onEnd(new RoundEnd("job-b", 1, 1, RoundEnd.DONE, null, RoundParticipant.globalSha256(start), 0.3, transfer));
    Chunks.split(transfer, UpdatePayload.plain(0, 0, other).encode()).forEach(h.participant::onChunk);
    assertThat(h.evaluations).isEmpty();
    assertThat(h.stages).contains("evaluation-failed");
  }

  @Test
  void aFailedRoundOrAHubThatSendsNoGlobalModelLeavesNothingToEvaluate() throws Exception {
    Harness h = new Harness(BREAST);
    double[] start = new double[BREAST.cols() + 1];
    h.trainRound("job-c", BREAST, start);
    String transfer = RoundIds.globalTransfer("job-c", 1, 1);
    h.participant.onEnd(new RoundEnd("job-c", 1, 1, RoundEnd.FAILED, "deadline", null, Double.NaN, null));
    Chunks.split(transfer, UpdatePayload.plain(0, 0, start).encode()).forEach(h.participant::onChunk);
    assertThat(h.evaluations).isEmpty();
  }

  @Test
  void anOlderHubsRoundEndAndInviteWithoutTheNewFieldsStillDecode() throws Exception {
    String end = "{\"jobId\":\"j\",\"round\":1,\"attempt\":1,\"status\":\"DONE\",\"reason\":null,"
        + "\"aggregateSha256\":\"ab\",\"trainLoss\":0.5}";
    RoundEnd e = WireCodec.mapper().readValue(end, RoundEnd.class);
    assertThat(e.globalTransfer()).isNull();
    ObjectNode inv = WireCodec.mapper().valueToTree(invite("j", BREAST));
    assertThat(inv.get("plannedRounds").asInt()).isEqualTo(5);
    inv.remove("plannedRounds");
    assertThat(WireCodec.mapper().treeToValue(inv, RoundInvite.class).plannedRounds()).isNull();
  }

  private static String rowKey(Table t, int row) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < t.cols(); j++) {
      sb.append(t.get(row, j)).append(',');
    }
    return sb.append(t.y()[row]).toString();
  }
}
