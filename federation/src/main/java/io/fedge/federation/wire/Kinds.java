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

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private Kinds() {}

  public static boolean isValid(String kind) {
    return kind != null && KIND.matcher(kind).matches();
  }
}
