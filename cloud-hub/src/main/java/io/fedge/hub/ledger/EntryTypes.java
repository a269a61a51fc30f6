package io.fedge.hub.ledger;

import java.util.List;

/**
 * The entry types the hub logs; each body is documented in docs/ledger.md. Features append with
 * {@link Ledger#append}; the type is the entry's {@code type} member.
 */
public final class EntryTypes {
  /** A federated round's digest: job, round, participants, update commitments, aggregate hash, metrics, contributions, flags. */
  public static final String ROUND_DIGEST = "round-digest";
  /** A model version published from a job. */
  public static final String MODEL_PUBLICATION = "model-publication";
  /** A dealer's (or a standing policy's) approval or refusal of a job. */
  public static final String CONSENT_DECISION = "consent-decision";
  /** A device enrolled: device id, group, certificate serial and public key fingerprint. */
  public static final String ENROLLMENT = "enrollment";
  /** A device revoked by ops, with the reason. */
  public static final String REVOCATION = "revocation";
  /** An OTA release: version and the hashes of its signed metadata. */
  public static final String OTA_RELEASE = "ota-release";
  /** An OTA campaign decision: start, wave advance, pause, abort. */
  public static final String CAMPAIGN_DECISION = "campaign-decision";

  public static final List<String> ALL =
      List.of(ROUND_DIGEST, MODEL_PUBLICATION, CONSENT_DECISION, ENROLLMENT, REVOCATION, OTA_RELEASE, CAMPAIGN_DECISION);

  private EntryTypes() {}
}
