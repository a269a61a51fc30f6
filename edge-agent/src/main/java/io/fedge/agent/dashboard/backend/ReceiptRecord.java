package io.fedge.agent.dashboard.backend;

import java.time.Instant;

/**
 * A ledger receipt: proof that a round this appliance took part in is in the hub's log.
 *
 * @param leafIndex position of the round's entry in the log
 * @param treeSize size of the signed checkpoint the proof is against
 * @param rootHash root hash (hex) of that checkpoint, or null when unknown (the receipt failed first)
 * @param leafHash RFC 9162 leaf hash (hex) of the round's entry
 * @param verified whether this agent checked the inclusion proof and the checkpoint signature
 */
public record ReceiptRecord(String jobId, int round, long leafIndex, long treeSize, String rootHash, String leafHash,
    boolean verified, Instant at) {}
