package io.fedge.ota.wire;

/** Message kinds of OTA (also listed in {@code io.fedge.federation.wire.Kinds}). */
public final class OtaKinds {
  /** hub -> device: {@link OtaOffer}. */
  public static final String OFFER = io.fedge.federation.wire.Kinds.OTA_OFFER;
  /** device -> hub: {@link OtaReport}. */
  public static final String REPORT = io.fedge.federation.wire.Kinds.OTA_REPORT;

  private OtaKinds() {}
}
