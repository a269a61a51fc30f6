package io.fedge.federation.vertical;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.crypto.paillier.ModArith;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guest plus two hosts: breast's host columns split between two parties. */
class MultiHostTest {
  private static PartyTable columns(PartyTable t, int from, int to) {
    double[][] rows = new double[t.rowCount()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = java.util.Arrays.copyOfRange(t.row(i), from, to);
    }
    return new PartyTable(t.ids(), new ArrayList<>(t.features().subList(from, to)), rows);
  }

  @Test
  void verticalLrWithTwoHostsReachesCentralAuc() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 11L);
    PartyTable h = data.hostTrain();
    InMemoryTransport t = new InMemoryTransport();
    LrArbiter arbiter = new LrArbiter("hub", "job-m", LrConfig.defaults(60, 64).withValidation(0.15, 5), "guest",
        List.of("host-a", "host-b"), t.outbox("hub"), new SecureRandom());
    LrGuest guest = new LrGuest("guest", "hub", data.guestTrain(), t.outbox("guest"));
    LrHost a = new LrHost("host-a", "hub", columns(h, 0, 12), t.outbox("host-a"));
    LrHost b = new LrHost("host-b", "hub", columns(h, 12, h.featureCount()), t.outbox("host-b"));
    t.register(arbiter);
    t.register(guest);
    t.register(a);
    t.register(b);
    arbiter.start();
    t.runUntilIdle();
    assertThat(arbiter.done()).isTrue();
    guest.useScoringTable(data.guestTest().features());
    a.useScoringTable(columns(data.hostTest(), 0, 12));
    b.useScoringTable(columns(data.hostTest(), 12, h.featureCount()));
    arbiter.requestScores("test", data.guestTest().features().ids());
    t.runUntilIdle();
    double auc = BinaryMetrics.auc(arbiter.scoreResult("test"), data.guestTest().labels());
    CentralLogistic central = new CentralLogistic(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), 30, 7L);
    double reference = BinaryMetrics.auc(central.scores(FateSplit.joined(data.guestTest(), data.hostTest())),
        data.guestTest().labels());
    assertThat(auc).isGreaterThan(reference - 0.01);
    // host-to-host cross terms flowed: each host got the other's masked features
    assertThat(t.deliveredTo("host-a")).anyMatch(d -> d.from().equals("host-b")
        && d.message() instanceof LrMessages.MaskedFeatures);
  }

  @Test
  void verticalTreesWithTwoHostsMatchCentralGbdt() throws Exception {
    FateSplit data = FateSplit.load("breast", 0.25, 11L);
    PartyTable h = data.hostTrain();
    TreeConfig config = TreeConfig.of(4, 3, 0.3, 16).withKeyBits(1024);
    InMemoryTransport t = new InMemoryTransport();
    BoostGuest guest = new BoostGuest("guest", "job-m", config, data.guestTrain(), List.of("host-a", "host-b"),
        t.outbox("guest"), ModArith.best());
    BoostHost a = new BoostHost("host-a", "guest", columns(h, 0, 12), t.outbox("host-a"));
    BoostHost b = new BoostHost("host-b", "guest", columns(h, 12, h.featureCount()), t.outbox("host-b"));
    t.register(guest);
    t.register(a);
    t.register(b);
    guest.start();
    t.runUntilIdle();
    assertThat(guest.trained()).isTrue();
    guest.useScoringTable(data.guestTest().features());
    a.useScoringTable(columns(data.hostTest(), 0, 12));
    b.useScoringTable(columns(data.hostTest(), 12, h.featureCount()));
    t.outbox("hub").send("guest", new BoostMessages.ScoreRequest("job-m", "r", data.guestTest().features().ids(), false));
    t.runUntilIdle();
    double auc = BinaryMetrics.auc(guest.result("r"), data.guestTest().labels());
    CentralGbdt central = new CentralGbdt(FateSplit.joined(data.guestTrain(), data.hostTrain()),
        data.guestTrain().labels(), 4, 3, 0.3, 16, config.lambda(), config.minChildWeight());
    double reference = BinaryMetrics.auc(central.scores(FateSplit.joined(data.guestTest(), data.hostTest())),
        data.guestTest().labels());
    assertThat(Math.abs(auc - reference)).isLessThanOrEqualTo(0.01);
  }
}
