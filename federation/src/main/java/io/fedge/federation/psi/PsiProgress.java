package io.fedge.federation.psi;

/** Progress callback; called on the thread that delivers messages, so keep it cheap. */
@FunctionalInterface
public interface PsiProgress {
  /** Phases a party reports, in the order they usually complete. */
  enum Phase {
    /** The large party's filter: own ids hashed, blinded and inserted. */
    FILTER_BUILT,
    /** Own ids hashed and blinded with this party's key, sent to the peer. */
    OWN_BLINDED_SENT,
    /** The peer's blinded ids received and blinded again with this party's key. */
    PEER_BLINDED,
    /** Own ids come back blinded by both keys (or, unbalanced, evaluated and tested). */
    OWN_DOUBLE_RECEIVED
  }

  void update(String party, String peer, Phase phase, long done, long total);

  PsiProgress NONE = (party, peer, phase, done, total) -> {};
}
