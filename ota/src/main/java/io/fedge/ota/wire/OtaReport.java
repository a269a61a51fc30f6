package io.fedge.ota.wire;

/**
 * Device to hub, kind {@code ota-report}: progress and outcome of an offer.
 *
 * @param campaignId the campaign the offer came from (empty if the device acts on its own)
 * @param target target name
 * @param version version of that target
 * @param outcome one of {@link #DOWNLOADING}, {@link #INSTALLED}, {@link #UPDATED}, {@link #ROLLED_BACK},
 *     {@link #FAILED}
 * @param detail human-readable reason for a failure or rollback
 * @param runningVersion version the device runs after this step
 */
public record OtaReport(String campaignId, String target, String version, String outcome, String detail,
    String runningVersion) {
  public static final String DOWNLOADING = "downloading";
  public static final String INSTALLED = "installed";
  public static final String UPDATED = "updated";
  public static final String ROLLED_BACK = "rolled-back";
  public static final String FAILED = "failed";
}
