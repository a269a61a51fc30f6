package io.fedge.federation.vertical;

import java.util.List;

/**
 * Messages of SecureBoost-style vertical trees (docs/vertical.md). The guest drives the job and
 * holds the Paillier key; the hub relays. Ciphertexts are big-endian unsigned bytes.
 */
public final class BoostMessages {
  private BoostMessages() {}

  /** Guest to hosts: the job, the guest's Paillier modulus, and the aligned rows' digest. */
  public record Setup(String jobId, TreeConfig config, List<String> hosts, byte[] paillierModulus, int rows,
      String idsDigest) implements VerticalMessage {}

  /** Host to guest: it binned its features and is ready. */
  public record Ready(String jobId) implements VerticalMessage {}

  /** Guest to hosts: Enc((g+1)·2^f, h·2^f, 1) per training row for one tree, in row order. */
  public record EncryptedGradients(String jobId, int tree, List<byte[]> ciphertexts) implements VerticalMessage {}

  /** The rows of one node (indices of aligned rows). */
  public record NodeRows(int node, int[] rows) {}

  /** Guest to hosts: build histograms for these nodes of a tree. */
  public record HistogramRequest(String jobId, int tree, List<NodeRows> nodes) implements VerticalMessage {}

  /**
   * One node's encrypted left-side sums, indexed by the host's opaque split id (a per-node shuffle
   * of its (feature, bin) candidates, so the guest learns neither feature nor threshold). The
   * {@code candidates} sums are packed {@code perCiphertext} to a ciphertext, first id in the most
   * significant position: Enc(Σ_j v_j · 2^{w(k-1-j)}) with w the packed value width.
   */
  public record NodeHistogram(int node, int candidates, int perCiphertext, List<byte[]> packedSums) {}

  /** Host to guest: histograms for the requested nodes. */
  public record EncryptedHistograms(String jobId, int tree, List<NodeHistogram> nodes) implements VerticalMessage {}

  /** Guest to the owning host: the best split of a node is your split id {@code split}. */
  public record SplitDecision(String jobId, int tree, int node, int split) implements VerticalMessage {}

  /** Host to guest: which of the node's rows go left under its chosen split. */
  public record SplitRows(String jobId, int tree, int node, int[] leftRows) implements VerticalMessage {}

  /** Guest to hosts: training has finished; drop the encrypted gradients. */
  public record Done(String jobId) implements VerticalMessage {}

  /** Requester (hub) to guest: score these ids (scoring rows of every party). */
  public record ScoreRequest(String jobId, String requestId, List<String> ids, boolean replyToRequester)
      implements VerticalMessage {}

  /** Guest to hosts: route these ids through your split nodes. */
  public record RouteRequest(String jobId, String requestId, List<String> ids) implements VerticalMessage {}

  /** One host node's decisions: left[k] is true when the k-th requested row goes left. */
  public record NodeRoute(int tree, int node, boolean[] left) {}

  /** Host to guest: decisions at all of its split nodes (no thresholds, no feature values). */
  public record Routes(String jobId, String requestId, List<NodeRoute> routes) implements VerticalMessage {}

  /** Guest to requester: probabilities of class 1, in request order. */
  public record ScoreResult(String jobId, String requestId, double[] scores) implements VerticalMessage {}
}
