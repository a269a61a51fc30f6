package io.fedge.federation.rounds;

import java.nio.charset.StandardCharsets;

/** Names derived from (job, round, attempt): transfer ids and envelope headers. */
public final class RoundIds {
  private RoundIds() {}

  public static String updateTransfer(String jobId, int round, int attempt, String deviceId) {
    return "u." + jobId + "." + round + "." + attempt + "." + deviceId;
  }

  public static String paramsTransfer(String jobId, int round, int attempt) {
    return "p." + jobId + "." + round + "." + attempt;
  }

  /** The new global parameters a DONE training round sends its participants after its {@code round-end}. */
  public static String globalTransfer(String jobId, int round, int attempt) {
    return "g." + jobId + "." + round + "." + attempt;
  }

  /**
   * The header of a sealed update: bound as HPKE associated data and signed, so an update cannot
   * be replayed into another job, round, attempt, or be claimed by another device.
   */
  public static byte[] updateHeader(String jobId, int round, int attempt, String deviceId) {
    return ("fedge/v1 update|" + jobId + "|" + round + "|" + attempt + "|" + deviceId).getBytes(StandardCharsets.UTF_8);
  }
}
