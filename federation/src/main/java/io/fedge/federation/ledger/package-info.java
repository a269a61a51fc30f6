/**
 * The tamper-evident ledger's math, free of transport and storage: RFC 9162 Merkle tree hashing,
 * proofs and their verification, C2SP checkpoints and signed notes, and the canonical encoding of
 * entries. The hub appends entries and serves proofs; agents and auditors verify them.
 *
 * <h2>The tree</h2>
 *
 * Entries are leaves in append order. A tree of n leaves splits at the largest power of two below n
 * ({@link io.fedge.federation.ledger.Rfc9162}). Seven leaves d0..d6:
 *
 * <pre>
 *                  root = MTH(d0..d6)
 *                 /                  \
 *            k=[0,4)                  [4,7)
 *           /       \                /     \
 *       [0,2)       [2,4)        [4,6)      d6
 *       /   \       /   \        /   \
 *     d0    d1    d2    d3     d4    d5
 * </pre>
 *
 * <b>Inclusion</b> of d2 in the 7-leaf tree: the siblings on its path to the root, lowest first:
 * {@code [d3, [0,2), [4,7)]}. Hashing d2 with them in order rebuilds the root.
 *
 * <p><b>Consistency</b> of the 3-leaf tree (d0..d2) with the 7-leaf tree: the hashes from which a
 * verifier can rebuild both the old root and the new one: {@code [d2, d3, [0,2), [4,7)]}. Old root
 * = node([0,2), d2); new root = node(node([0,2), node(d2, d3)), [4,7)). Since both come out of the
 * same hashes, the 7-leaf tree starts with exactly the old three leaves: the log only appended.
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link io.fedge.federation.ledger.CompactRange}: the root while appending, in O(log n)
 *       state that can be persisted.
 *   <li>{@link io.fedge.federation.ledger.Proofs} over a {@link
 *       io.fedge.federation.ledger.HashSource} and a {@link io.fedge.federation.ledger.SubtreeCache}:
 *       builds proofs; see its comment for the cost.
 *   <li>{@link io.fedge.federation.ledger.ProofVerifier}: checks them, throwing {@link
 *       io.fedge.federation.ledger.ProofException} with the reason.
 *   <li>{@link io.fedge.federation.ledger.Checkpoint} and {@link
 *       io.fedge.federation.ledger.SignedNote}: the signed tree head, in C2SP formats with Ed25519
 *       ({@link io.fedge.federation.ledger.NoteSigner}, {@link
 *       io.fedge.federation.ledger.NoteVerifier}).
 *   <li>{@link io.fedge.federation.ledger.CanonicalJson}: the one byte encoding of an entry.
 * </ul>
 */
package io.fedge.federation.ledger;
