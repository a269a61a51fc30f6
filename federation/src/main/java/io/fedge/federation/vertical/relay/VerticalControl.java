package io.fedge.federation.vertical.relay;

import java.util.List;
import java.util.Map;

/**
 * Coordination messages of a vertical job between the hub and the parties (unsealed: the hub is
 * their reader), carried by the relay like the protocol messages. See docs/vertical.md, "Over
 * MQTT".
 */
public final class VerticalControl {
  private VerticalControl() {}

  static {
    for (Class<?> c : VerticalControl.class.getDeclaredClasses()) {
      VerticalCodec.register(c.getSimpleName(), c);
    }
  }

  /** Makes sure the records are registered with the codec. */
  public static void register() {
    // the static initialiser did it
  }

  /**
   * Hub to each party: run PSI on {@code idColumn} of {@code dataset} and store the aligned rows
   * ({@code columns}, in intersection order) as the derived dataset {@code aligned}.
   *
   * @param role {@code guest} or {@code host}
   * @param mode {@code BOTH_LEARN}, {@code GUEST_LEARNS} (only the guest stores {@code aligned}) or
   *     {@code UNBALANCED} (the host is the large party: it publishes, or reuses, the filter
   *     {@code filterId}; the guest is the small party and stores {@code aligned})
   * @param filterId the large party's filter epoch (UNBALANCED), else null
   */
  public record PsiStage(String jobId, String role, String guest, List<String> hosts, String dataset,
      String idColumn, List<String> columns, String normalization, String mode, String aligned, String filterId) {}

  /**
   * Hub to each party: train vertical LR on the aligned dataset {@code aligned}: {@code features}
   * (and, at the guest, {@code label}); rows whose seeded hash falls under {@code testFraction} are
   * held out for the test evaluation. The arbiter's {@code Setup} follows.
   */
  public record LrStage(String jobId, String role, String guest, List<String> hosts, String aligned,
      List<String> features, String label, double testFraction, long seed) {}

  /**
   * Hub to each party: grow SecureBoost-style trees on the aligned dataset {@code aligned} (same
   * fields and test split as {@link LrStage}). The guest builds a {@code BoostGuest} with
   * {@code config} (it makes the Paillier key and starts the protocol), each host a
   * {@code BoostHost} (it takes the configuration from the guest's {@code Setup}).
   */
  public record TreeStage(String jobId, String role, String guest, List<String> hosts, String aligned,
      List<String> features, String label, double testFraction, long seed,
      io.fedge.federation.vertical.TreeConfig config) {}

  /** Hub to each party: evaluate the trained model on the held-out test rows. */
  public record EvaluateTest(String jobId) {}

  /** Host to guest (sealed): the host's partial scores of the test rows, in aligned order. */
  public record TestScores(String jobId, double[] scores) {}

  /**
   * Party to hub: a stage ended.
   *
   * @param stage {@code psi}, {@code lr}, {@code trees} or {@code test}
   * @param ok whether it succeeded; {@code message} says why not (no data in it)
   * @param rows rows of the aligned dataset (psi) or scored (test)
   * @param metrics test metrics (guest, stage test)
   * @param shareSha256 SHA-256 of the party's model share (stage lr), a commitment for the registry
   */
  public record StageReport(String jobId, String stage, boolean ok, String message, long rows,
      Map<String, Double> metrics, String shareSha256) {}

  /** Hub to parties: the job is over (done or failed); drop its keys and state. */
  public record JobEnd(String jobId, String status, String reason) {}

  /**
   * Hub to each party, on a fresh stream {@code jobId} (a scoring session): score with the model
   * share kept from the finished job {@code modelJob} (after a hub or agent restart, when the
   * job's own streams are gone). The party reads its share from disk, checks it against
   * {@code shareSha256} (the registry's commitment), reads the aligned rows through the consent of
   * {@code modelJob} and announces a key for the session; {@code lr.ScoreRequest}s (or, for a tree
   * model, whose share file is {@code <modelJob>.sbt-share.json}, {@code boost.ScoreRequest}s) of the session
   * follow. {@code objective} is the model's ({@code binary}, {@code regression},
   * {@code multiclass:K}); null from an older hub means binary.
   */
  public record ScoringSession(String jobId, String modelJob, String role, String guest, List<String> hosts,
      String aligned, List<String> features, String label, String shareSha256, String objective) {}
}
