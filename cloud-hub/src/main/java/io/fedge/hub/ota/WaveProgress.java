package io.fedge.hub.ota;

import io.fedge.ota.rollout.WavePlan;
import io.fedge.ota.wire.OtaReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's devices grouped by wave, for the ops console's bars. Wave {@code w} is the slice of
 * the campaign's device order (position) from the previous wave's cumulative size up to {@link
 * WavePlan#cumulative}: the devices the engine offers in that wave when every device is inside
 * its maintenance window (a device outside its window can be offered later than its slice).
 *
 * <p>Outcomes per wave: {@code pending} (not offered), {@code inProgress} (offered, downloading or
 * installed, not yet healthy), {@code succeeded}, {@code failed}, {@code rolledBack} (failed with
 * the device's rollback report), {@code skipped}.
 */
public final class WaveProgress {
  private WaveProgress() {}

  /** One wave: devices {@code [from, to)} of the campaign's order; {@code open} if the engine has reached it. */
  public record Wave(int wave, int percent, int from, int to, boolean open, Map<String, Integer> outcomes) {}

  public static List<Wave> of(WavePlan plan, int currentWave, List<OtaStore.DeviceRow> devicesInOrder) {
    int n = devicesInOrder.size();
    List<Wave> out = new ArrayList<>();
    int from = 0;
    for (int w = 0; w < plan.waves(); w++) {
      int to = Math.min(n, plan.cumulative(w, n));
      Map<String, Integer> outcomes = new LinkedHashMap<>();
      for (String k : List.of("pending", "inProgress", "succeeded", "failed", "rolledBack", "skipped")) {
        outcomes.put(k, 0);
      }
      for (int i = from; i < to; i++) {
        outcomes.merge(outcome(devicesInOrder.get(i)), 1, Integer::sum);
      }
      out.add(new Wave(w, plan.percents().get(w), from, Math.max(from, to), w <= currentWave, outcomes));
      from = Math.max(from, to);
    }
    return out;
  }

  static String outcome(OtaStore.DeviceRow d) {
    return switch (d.state()) {
      case CampaignEngine.PENDING -> "pending";
      case CampaignEngine.UPDATED -> "succeeded";
      case CampaignEngine.SKIPPED -> "skipped";
      case CampaignEngine.FAILED -> d.detail() != null && d.detail().startsWith(OtaReport.ROLLED_BACK) ? "rolledBack" : "failed";
      default -> "inProgress";
    };
  }
}
