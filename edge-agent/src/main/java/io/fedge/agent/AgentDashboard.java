package io.fedge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.agent.consent.ConsentException;
import io.fedge.agent.consent.ConsentService;
import io.fedge.agent.dashboard.backend.ConsentDecisionRecord;
import io.fedge.agent.dashboard.backend.ConsentRequest;
import io.fedge.agent.dashboard.backend.DashboardBackend;
import io.fedge.agent.dashboard.backend.DatasetSummary;
import io.fedge.agent.dashboard.backend.QuarantinePage;
import io.fedge.agent.dashboard.backend.ReceiptRecord;
import io.fedge.agent.dashboard.backend.RowPage;
import io.fedge.agent.dashboard.backend.TrainingEvent;
import io.fedge.agent.dashboard.backend.TrainingFeed;
import io.fedge.agent.dashboard.backend.UpdateRecord;
import io.fedge.agent.data.DataServices;
import io.fedge.agent.data.DatasetInfo;
import io.fedge.agent.data.IngestProgress;
import io.fedge.agent.data.QuarantinedRow;
import io.fedge.agent.ledger.LedgerMonitor;
import io.fedge.agent.ledger.ReceiptStore;
import io.fedge.agent.ota.OtaService;
import io.fedge.federation.rounds.LocalEvaluation;
import io.fedge.federation.rounds.ParticipantListener;
import io.fedge.federation.rounds.RoundEnd;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dealer dashboard's view of the agent: maps the real parts (ingested data, consent, round
 * progress, OTA, ledger receipts) onto {@link DashboardBackend}. It holds no state of its own
 * except the {@link TrainingFeed} that round progress is published into.
 */
public final class AgentDashboard implements DashboardBackend {
  private static final int QUARANTINE_SCAN_LIMIT = 10_000;

  private final Supplier<Map<String, Object>> status;
  private final DataServices data;
  private final ConsentService consent;
  private final OtaService ota;
  private final LedgerMonitor ledger;
  private final TrainingFeed training;
  private final Clock clock;

  public AgentDashboard(Supplier<Map<String, Object>> status, DataServices data, ConsentService consent, OtaService ota,
      LedgerMonitor ledger, TrainingFeed training, Clock clock) {
    this.status = status;
    this.data = data;
    this.consent = consent;
    this.ota = ota;
    this.ledger = ledger;
    this.training = training;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> status() {
    return status.get();
  }

  // ------------------------------------------------------------------ data

  @Override
  public List<DatasetSummary> datasets() {
    List<IngestProgress> running = data.monitor().snapshot().stream()
        .filter(p -> p.state() == IngestProgress.State.RUNNING).toList();
    List<DatasetSummary> out = new ArrayList<>();
    for (DatasetInfo d : data.datasets()) {
      DatasetSummary.IngestProgress ingest = running.stream().filter(p -> d.name().equals(p.dataset())).findFirst()
          .map(p -> new DatasetSummary.IngestProgress(p.unit(), p.rowsLoaded() + p.rowsQuarantined(), p.bytesDone(),
              p.bytesTotal() > 0 ? p.bytesTotal() : -1, p.rowsPerSecond()))
          .orElse(null);
      out.add(new DatasetSummary(d.name(),
          d.schema().columns().stream().map(c -> new DatasetSummary.Column(c.name(), c.type().label())).toList(),
          d.rowCount(), d.contentHash(), d.rowCount() == 0 ? null : d.updatedAt(), d.quarantineCount(), ingest));
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  @Override
  public Optional<Path> dropFolder() {
    return Optional.ofNullable(data.dropFolder()).map(f -> f.folder());
  }

  @Override
  public Optional<RowPage> recentRows(String dataset, int limit) {
    Optional<DatasetInfo> d = data.store().dataset(dataset);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    List<String> columns = d.get().schema().names();
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> r : data.store().recentRows(dataset, limit)) {
      List<String> cells = new ArrayList<>(columns.size());
      for (String c : columns) {
        Object v = r.get(c);
        cells.add(v == null ? "" : v.toString());
      }
      rows.add(cells);
    }
    return Optional.of(new RowPage(columns, rows));
  }

  @Override
  public Optional<ScoresPage> scores(String scoreJob, long afterRow, int limit) {
    Optional<DatasetInfo> d = io.fedge.agent.vertical.BatchScoring.output(data.store(), scoreJob);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    List<String> columns = d.get().schema().names();
    io.fedge.agent.data.DataStore.Page page = data.store().page(d.get().name(), columns, afterRow, limit);
    List<List<String>> rows = new ArrayList<>();
    for (Object[] r : page.rows()) {
      List<String> cells = new ArrayList<>(r.length);
      for (Object v : r) {
        cells.add(v == null ? "" : v.toString());
      }
      rows.add(cells);
    }
    return Optional.of(new ScoresPage(d.get().name(), columns, rows, page.lastRow()));
  }

  @Override
  public Optional<QuarantinePage> quarantine(String dataset, long offset, int limit) {
    Optional<DatasetInfo> d = data.store().dataset(dataset);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    // The store pages by row id; walk from the start to the requested offset (bounded per call).
    long skip = Math.max(0, offset);
    long afterId = 0;
    List<QuarantinePage.QuarantinedRow> rows = new ArrayList<>();
    while (rows.size() < limit) {
      int want = (int) Math.min(QUARANTINE_SCAN_LIMIT, skip + limit - rows.size());
      List<QuarantinedRow> page = data.store().quarantine(dataset, afterId, want);
      if (page.isEmpty()) {
        break;
      }
      for (QuarantinedRow q : page) {
        afterId = q.id();
        if (skip > 0) {
          skip--;
        } else if (rows.size() < limit) {
          rows.add(new QuarantinePage.QuarantinedRow(q.origin(), q.line(), q.reason(), q.raw(), q.at()));
        }
      }
    }
    return Optional.of(new QuarantinePage(d.get().quarantineCount(), offset, rows));
  }

  // ------------------------------------------------------------------ consent

  @Override
  public List<ConsentRequest> pendingConsents() {
    return consent.pending().stream()
        .map(r -> new ConsentRequest(r.jobId(), r.title(), r.requester(), r.purpose(), reads(r.reads()), r.receivedAt(),
            r.expiresAt()))
        .toList();
  }

  @Override
  public ConsentDecisionRecord approve(String jobId, String decidedBy) throws DecisionException {
    try {
      return record(consent.approve(jobId, decidedBy));
    } catch (ConsentException e) {
      throw new DecisionException(e.getMessage() + ". Reload the page to see the current requests.");
    }
  }

  @Override
  public ConsentDecisionRecord refuse(String jobId, String decidedBy, String reason) throws DecisionException {
    try {
      return record(consent.refuse(jobId, decidedBy, reason));
    } catch (ConsentException e) {
      throw new DecisionException(e.getMessage() + ". Reload the page to see the current requests.");
    }
  }

  @Override
  public List<ConsentDecisionRecord> consentHistory() {
    return consent.history(500).stream().map(AgentDashboard::record).toList();
  }

  private static ConsentDecisionRecord record(io.fedge.agent.consent.ConsentRequest r) {
    boolean approved = r.status() == io.fedge.agent.consent.ConsentRequest.Status.APPROVED;
    String reason = r.reason();
    if (reason == null && r.status() != io.fedge.agent.consent.ConsentRequest.Status.APPROVED
        && r.status() != io.fedge.agent.consent.ConsentRequest.Status.REFUSED) {
      reason = r.status().name().toLowerCase(java.util.Locale.ROOT); // expired, revoked
    }
    return new ConsentDecisionRecord(r.jobId(), r.title(), approved, reads(r.reads()), r.decidedBy(), r.decidedAt(),
        r.basis(), reason);
  }

  private static List<ConsentRequest.DatasetColumns> reads(List<DatasetColumns> reads) {
    return reads.stream().map(d -> new ConsentRequest.DatasetColumns(d.dataset(), d.columns())).toList();
  }

  // ------------------------------------------------------------------ training

  /**
   * The rounds listener that feeds the dashboard's training page: progress of each round, and each
   * round's global model as evaluated on this appliance's own rows (AUC, losses, ROC curve).
   *
   * @param plannedRounds a job's planned number of training rounds (0 when not known)
   */
  public ParticipantListener trainingListener(java.util.function.ToIntFunction<String> plannedRounds) {
    return new ParticipantListener() {
      @Override
      public void progress(String jobId, int round, int attempt, String stage, double loss, String detail) {
        Map<String, Double> metrics = Double.isNaN(loss) || !"done".equals(stage) ? Map.of() : Map.of("trainLoss", loss);
        double progress = switch (stage) {
          case "invited" -> 0.0;
          case "training" -> 0.25;
          case "sent" -> 0.75;
          case "done" -> 1.0;
          default -> -1;
        };
        training.publish(new TrainingEvent(jobId, stage, round, plannedRounds.applyAsInt(jobId), progress, loss, metrics,
            List.of(), clock.instant()));
      }

      @Override
      public void evaluated(RoundEnd end, LocalEvaluation e) {
        training.publish(evaluationEvent(end, e, plannedRounds.applyAsInt(e.jobId()), clock.instant()));
      }
    };
  }

  /**
   * A round's local evaluation as a training event: {@code loss} is the federation's training loss
   * of the round; {@code metrics} hold the local figures ({@code auc}, {@code ks}, {@code accuracy},
   * {@code evalLoss}, {@code evalRows}, {@code heldOut} 1/0; NaN ones left out) and {@code roc} the curve.
   */
  static TrainingEvent evaluationEvent(RoundEnd end, LocalEvaluation e, int plannedRounds, Instant at) {
    Map<String, Double> metrics = new java.util.TreeMap<>();
    putFinite(metrics, "trainLoss", end.trainLoss());
    putFinite(metrics, "auc", e.auc());
    putFinite(metrics, "ks", e.ks());
    putFinite(metrics, "accuracy", e.accuracy());
    putFinite(metrics, "evalLoss", e.logLoss());
    metrics.put("evalRows", (double) e.rows());
    metrics.put("heldOut", e.heldOut() ? 1.0 : 0.0);
    List<TrainingEvent.RocPoint> roc = e.roc().stream().map(p -> new TrainingEvent.RocPoint(p.fpr(), p.tpr())).toList();
    return new TrainingEvent(e.jobId(), "evaluated", e.round(), plannedRounds, 1.0, end.trainLoss(), metrics, roc, at);
  }

  private static void putFinite(Map<String, Double> m, String name, double v) {
    if (Double.isFinite(v)) {
      m.put(name, v);
    }
  }

  @Override
  public List<TrainingEvent> trainingHistory() {
    return training.history();
  }

  @Override
  public AutoCloseable subscribeTraining(Consumer<TrainingEvent> listener) {
    return training.subscribe(listener);
  }

  // ------------------------------------------------------------------ updates and receipts

  @Override
  public List<UpdateRecord> updates() {
    List<UpdateRecord> out = new ArrayList<>();
    for (Map<String, String> h : ota.status().history()) {
      String at = h.get("at");
      out.add(new UpdateRecord(h.get("version"), h.get("outcome"), at == null ? null : Instant.parse(at), h.get("detail")));
    }
    return out;
  }

  /**
   * Receipts, newest first. {@code rootHash} is the root hash (hex) of the signed checkpoint of
   * size {@code treeSize} that the receipt's inclusion proof was checked against; {@code leafHash}
   * the entry's own RFC 9162 leaf hash.
   */
  @Override
  public List<ReceiptRecord> receipts() {
    List<ReceiptRecord> out = new ArrayList<>();
    for (ReceiptStore.Receipt r : ledger.receipts()) {
      String jobId = null;
      int round = 0;
      try {
        JsonNode body = WireCodec.mapper().readTree(r.entry()).path("body");
        jobId = body.path("jobId").isTextual() ? body.get("jobId").asText() : null;
        round = body.path("round").asInt(0);
      } catch (IOException | RuntimeException e) {
        // an entry that failed verification may not be JSON; show it without job and round
      }
      out.add(new ReceiptRecord(jobId == null ? r.type() : jobId, round, r.index(), r.checkpointSize(), r.rootHash(),
          r.leafHash(), r.state() == ReceiptStore.State.VERIFIED, r.receivedAt()));
    }
    return out;
  }
}
