package io.fedge.ota.rollout;

import java.util.List;

/**
 * Waves of a campaign as cumulative percentages of its devices, e.g. {@code [1, 10, 50, 100]}:
 * wave i may have offered the update to {@code ceil(p_i / 100 * n)} devices (at least one), and
 * the next wave opens only once the current one met its success threshold.
 *
 * @param percents strictly increasing, from 1 to 100, ending at 100
 * @param successRatio share (0..1] of the devices offered so far that must report updated before the next wave opens
 * @param maxFailureRatio share [0..1) of the devices offered so far whose failure pauses the campaign
 */
public record WavePlan(List<Integer> percents, double successRatio, double maxFailureRatio) {
  public WavePlan {
    if (percents == null || percents.isEmpty() || percents.get(percents.size() - 1) != 100) {
      throw new IllegalArgumentException("waves must be increasing percentages ending at 100");
    }
    int prev = 0;
    for (int p : percents) {
      if (p <= prev || p > 100) {
        throw new IllegalArgumentException("waves must be strictly increasing percentages in 1..100");
      }
      prev = p;
    }
    if (!(successRatio > 0 && successRatio <= 1)) {
      throw new IllegalArgumentException("successRatio must be in (0, 1]");
    }
    if (!(maxFailureRatio >= 0 && maxFailureRatio < 1)) {
      throw new IllegalArgumentException("maxFailureRatio must be in [0, 1)");
    }
    percents = List.copyOf(percents);
  }

  /** How many devices wave {@code wave} (0-based) may have reached in total. */
  public int cumulative(int wave, int devices) {
    if (devices == 0) {
      return 0;
    }
    int p = percents.get(Math.min(wave, percents.size() - 1));
    return Math.max(1, (int) Math.ceil(devices * (p / 100.0)));
  }

  public int waves() {
    return percents.size();
  }

  /** What the counts of the devices offered so far mean for the campaign. */
  public Gate gate(int offered, int updated, int failed) {
    if (offered == 0) {
      return Gate.WAIT;
    }
    if (failed > 0 && failed > Math.floor(maxFailureRatio * offered)) {
      return Gate.PAUSE;
    }
    if (updated >= Math.ceil(successRatio * offered)) {
      return Gate.ADVANCE;
    }
    return Gate.WAIT;
  }

  public enum Gate {
    WAIT,
    ADVANCE,
    PAUSE
  }
}
