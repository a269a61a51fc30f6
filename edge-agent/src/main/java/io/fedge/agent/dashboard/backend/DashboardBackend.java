package io.fedge.agent.dashboard.backend;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the dealer dashboard shows or changes, and nothing else: the one interface where the
 * web adapter meets the agent. The dashboard never reaches into the agent's parts directly, so a
 * feature lands by implementing its methods here.
 *
 * <p>Calls may block (SQLite); the dashboard calls them on worker threads. Implementations must
 * be thread-safe and must not return raw customer rows anywhere except {@link #recentRows},
 * {@link #quarantine} and {@link #scores}, which the dashboard serves only to a logged-in dealer.
 */
public interface DashboardBackend {

  /** A consistent snapshot: device id, hub connection, certificate expiry, version, boot stage. */
  Map<String, Object> status();

  /** Every dataset in the local catalog, sorted by name. */
  List<DatasetSummary> datasets();

  /** The folder where dropped CSV/JSONL files are ingested, if a drop folder is set up. */
  Optional<java.nio.file.Path> dropFolder();

  /** The latest {@code limit} rows of a dataset, newest first; empty if there is no such dataset. */
  Optional<RowPage> recentRows(String dataset, int limit);

  /** Quarantined rows of a dataset, oldest first, from {@code offset}; empty if no such dataset. */
  Optional<QuarantinePage> quarantine(String dataset, long offset, int limit);

  /** Consent requests waiting for the dealer's decision, oldest first. */
  List<ConsentRequest> pendingConsents();

  /**
   * Approves exactly the datasets and columns of a pending request.
   *
   * @throws DecisionException if no such request is pending (already decided, expired, unknown)
   */
  ConsentDecisionRecord approve(String jobId, String decidedBy) throws DecisionException;

  /** Refuses a pending request with the dealer's reason (shown to the job's requester). */
  ConsentDecisionRecord refuse(String jobId, String decidedBy, String reason) throws DecisionException;

  /** Past decisions, newest first: who, when, on what basis. */
  List<ConsentDecisionRecord> consentHistory();

  /** Training events kept for late viewers (the dashboard draws them before going live). */
  List<TrainingEvent> trainingHistory();

  /** Subscribes to training events as they happen; close the handle to stop. */
  AutoCloseable subscribeTraining(Consumer<TrainingEvent> listener);

  /** Software updates seen, installed or refused, newest first. */
  List<UpdateRecord> updates();

  /** Ledger receipts of rounds this appliance took part in, newest first. */
  List<ReceiptRecord> receipts();

  /**
   * Rows of the scores a batch-scoring job stored on this appliance as its guest (id, score and,
   * if the scored dataset had it, the label), at most {@code limit} after load position
   * {@code afterRow}; empty if this appliance holds no scores of that job (hosts never do).
   */
  default Optional<ScoresPage> scores(String scoreJob, long afterRow, int limit) {
    return Optional.empty();
  }

  /** One page of {@link #scores}: column names, rows as text, and the position to continue after. */
  record ScoresPage(String dataset, List<String> columns, List<List<String>> rows, long lastRow) {}

  /** A decision the dealer asked for cannot be made (what happened, what to do). */
  final class DecisionException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecisionException(String message) {
      super(message);
    }
  }
}
