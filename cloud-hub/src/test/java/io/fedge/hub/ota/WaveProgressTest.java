package io.fedge.hub.ota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.ota.rollout.WavePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaveProgressTest {
  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  static OtaStore.DeviceRow dev(int position, String state, String detail) {
    return new OtaStore.DeviceRow("d-" + position, position, state, "1.0.0", detail, T, T);
  }

  @Test
  void devicesFallIntoTheirWaveSliceAndEachOutcomeIsCounted() {
    List<OtaStore.DeviceRow> ds = new ArrayList<>();
    ds.add(dev(0, CampaignEngine.UPDATED, "updated"));           // wave 0: 10 % of 10 = 1
    ds.add(dev(1, CampaignEngine.FAILED, "rolled-back: health check failed")); // wave 1: up to 50 % = 5
    ds.add(dev(2, CampaignEngine.FAILED, "failed: signature"));
    ds.add(dev(3, CampaignEngine.DOWNLOADING, null));
    ds.add(dev(4, CampaignEngine.OFFERED, null));
    for (int i = 5; i < 10; i++) {
      ds.add(dev(i, CampaignEngine.PENDING, null));                 // wave 2: the rest
    }
    List<WaveProgress.Wave> w = WaveProgress.of(new WavePlan(List.of(10, 50, 100), 0.9, 0.1), 1, ds);
    assertThat(w).extracting(WaveProgress.Wave::from).containsExactly(0, 1, 5);
    assertThat(w).extracting(WaveProgress.Wave::to).containsExactly(1, 5, 10);
    assertThat(w).extracting(WaveProgress.Wave::open).containsExactly(true, true, false);
    assertThat(w.get(0).outcomes()).containsEntry("succeeded", 1).containsEntry("pending", 0);
    assertThat(w.get(1).outcomes()).containsEntry("rolledBack", 1).containsEntry("failed", 1).containsEntry("inProgress", 2);
    assertThat(w.get(2).outcomes()).containsEntry("pending", 5);
  }

  @Test
  void aCampaignWithNoDevicesHasEmptyWaves() {
    List<WaveProgress.Wave> w = WaveProgress.of(new WavePlan(List.of(1, 100), 0.9, 0.1), 0, List.of());
    assertThat(w).hasSize(2).allMatch(x -> x.from() == 0 && x.to() == 0);
  }
}
