package io.fedge.federation.wire;

import java.util.regex.Pattern;

/** Message kinds: the last topic level, and the {@code type} of the envelope. */
public final class Kinds {
  /** device -> hub, periodic liveness and resource figures; only the latest matters. */
  public static final String HEARTBEAT = "heartbeat";
  /** device -> hub, durable facts about the device (started, renewed, ...); each delivered once. */
  public static final String EVENT = "event";
  /** device -> hub, retained-style online/offline status; also the MQTT will message. */
  public static final String STATUS = "status";
  /** hub -> device, a protocol error reply naming what was refused and why. */
  public static final String ERROR = "error";
  /** hub -> device, a federated job asks to read named datasets and columns ({@link JobOffer}). */
  public static final String JOB_OFFER = "job-offer";
  /** device -> hub, the dealer's approval or refusal of a job offer ({@link ConsentDecision}). */
  public static final String CONSENT = "consent";

  /** hub -> device, a ledger receipt: entry, inclusion proof, signed checkpoint ({@code LedgerReceipt}). */
  public static final String RECEIPT = "receipt";
  /** device -> hub, a failed ledger check ({@code LedgerAlarm}); durable, recorded once by id. */
  public static final String LEDGER_ALARM = "ledger-alarm";
  /** hub -> device, ops cleared the device's ledger alarm ({@code LedgerAlarmClear}). */
  public static final String LEDGER_CLEAR = "ledger-clear";
  /** hub -> device, an OTA update offer (campaign, target, version); see docs/ota.md. */
  public static final String OTA_OFFER = "ota-offer";
  /** device -> hub, progress and outcome of an OTA update; see docs/ota.md. */
  public static final String OTA_REPORT = "ota-report";
  /** hub -> device, an invitation to one attempt of a federated round ({@code RoundInvite}). */
  public static final String ROUND_INVITE = "round-invite";
  /** both ways, one chunk of a large payload: global parameters down, sealed updates up. */
  public static final String ROUND_CHUNK = "round-chunk";
  /** both ways, one secure-aggregation step relayed by the hub ({@code SecAggMessage}). */
  public static final String SECAGG = "secagg";
  /** hub -> device, the attempt is over ({@code RoundEnd}). */
  public static final String ROUND_END = "round-end";
  /** device -> hub, the device cannot take part in an attempt ({@code RoundDecline}). */
  public static final String ROUND_DECLINE = "round-decline";

  /**
   * both ways, one chunk of one message of a vertical job (PSI, LR, trees, scoring), relayed by the
   * hub between the job's parties ({@code VerticalPacket}); see docs/vertical.md.
   */
  public static final String VERTICAL = "vertical";

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private Kinds() {}

  public static boolean isValid(String kind) {
    return kind != null && KIND.matcher(kind).matches();
  }
}
