package io.fedge.federation.psi;

/** Who learns what (see docs/psi.md). */
public enum PsiMode {
  /** Guest and every host learn the ids of the (multi-party) intersection that they hold. */
  BOTH_LEARN,
  /** Only the guest learns the intersection; hosts learn nothing but the guest's set size. */
  GUEST_LEARNS,
  /**
   * A large party publishes a cuckoo filter of its blinded set once; each small party obtains its
   * own ids blinded under the large party's key (oblivious PRF) and tests them against the filter.
   * Only the small party learns its intersection, up to the filter's false-positive rate.
   */
  UNBALANCED
}
