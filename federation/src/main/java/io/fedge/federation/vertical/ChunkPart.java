package io.fedge.federation.vertical;

/**
 * A host's part of one chunk of a batch-scoring job, sent to the guest only (sealed): what the
 * model type needs from the host to score the chunk's rows (partial scores for LR; routing
 * decisions for trees). The guest's {@link BatchScorer} combines the parts.
 */
public interface ChunkPart extends VerticalMessage {
  int chunk();
}
