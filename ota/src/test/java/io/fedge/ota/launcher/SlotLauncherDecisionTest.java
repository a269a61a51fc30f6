package io.fedge.ota.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.ota.slots.BootPointer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher's decision before each start, for every pointer state a crash can leave. */
class SlotLauncherDecisionTest {
  final SlotLauncher launcher =
      new SlotLauncher(new SlotLauncher.Options(Path.of("/nonexistent"), "java", List.of(), Duration.ofSeconds(5), 1, List.of()));

  @Test
  void stableSlotBootsAsItIs() {
    BootPointer p = BootPointer.initial("a");
    assertThat(launcher.decide(p)).isEqualTo(p);
  }

  @Test
  void freshTrialIsCountedBeforeItStarts() {
    BootPointer p = BootPointer.initial("a").trial("b");
    BootPointer d = launcher.decide(p);
    assertThat(d.active()).isEqualTo("b");
    assertThat(d.trialBoots()).isEqualTo(1);
    assertThat(d.state()).isEqualTo(BootPointer.State.TRIAL);
  }

  // kill -9 during the first start of the new version: the next start finds a started, unconfirmed trial.
  @Test
  void trialThatWasStartedAndNeverConfirmedIsRolledBack() {
    BootPointer p = BootPointer.initial("a").trial("b").withTrialBoot();
    BootPointer d = launcher.decide(p);
    assertThat(d.active()).isEqualTo("a");
    assertThat(d.previous()).isEqualTo("b");
    assertThat(d.state()).isEqualTo(BootPointer.State.STABLE);
    assertThat(d.outcome()).isEqualTo("rolled-back");
    assertThat(d.reported()).isFalse();
  }

  @Test
  void confirmedTrialIsStable() {
    BootPointer p = BootPointer.initial("a").trial("b").withTrialBoot().confirmed("2.0.0");
    assertThat(launcher.decide(p)).isEqualTo(p);
    assertThat(p.active()).isEqualTo("b");
  }
}
