package io.fedge.federation.psi;

import static io.fedge.federation.psi.PsiFixture.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.psi.PsiMessages.BlindedBatch;
import io.fedge.federation.psi.PsiMessages.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad inputs and bad peers stop a run with a clear, id-free error on both sides. */
class PsiErrorsTest {
  private static final PsiSettings SMALL = new PsiSettings(16, 2, 100, 1);

  private static List<String> ids(int n, int party) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(PsiFixture.written(i, party));
    }
    return out;
  }

  private static PsiGuest guest(List<String> ids, PsiTransport t, PsiSettings s) {
    return new PsiGuest("guest", List.of("host"), "job", PsiMode.GUEST_LEARNS, EMAIL, ids, s, t, null,
        PsiFixture.random());
  }

  @Test
  void anEmptySetIsRefusedUpFront() {
    assertThatThrownBy(() -> guest(List.of(), m -> {}, SMALL))
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.EMPTY_SET))
        .hasMessageContaining("empty");
  }

  @Test
  void anOversizedSetIsRefusedUpFront() {
    assertThatThrownBy(() -> guest(ids(101, 0), m -> {}, SMALL))
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.SET_TOO_LARGE))
        .hasMessageContaining("101 ids, more than the limit of 100");
  }

  @Test
  void idsThatAreEqualAfterNormalisationAreRejectedByRowNotByValue() {
    List<String> in = new ArrayList<>(ids(10, 0));
    in.add(PsiFixture.written(3, 1)); // customer 3 again, in upper case
    assertThatThrownBy(() -> guest(in, m -> {}, SMALL))
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.DUPLICATE_ID))
        .hasMessageContaining("rows 3 and 10")
        .hasMessageNotContaining("cust");
  }

  @Test
  void anInvalidIdIsRejectedWithItsRow() {
    List<String> in = new ArrayList<>(ids(5, 0));
    in.add("not-an-email");
    assertThatThrownBy(() -> guest(in, m -> {}, SMALL))
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.INVALID_ID))
        .hasMessageContaining("row 5")
        .hasMessageNotContaining("not-an-email");
  }

  @Test
  void aPeerAnnouncingMoreIdsThanTheLimitIsRefused() {
    InMemoryRelay relay = new InMemoryRelay(false);
    PsiGuest g = guest(ids(10, 0), relay, SMALL);
    PsiHost h = new PsiHost("host", "guest", "job", PsiMode.GUEST_LEARNS, EMAIL, ids(50, 1),
        new PsiSettings(16, 2, 100, 1), relay, null, PsiFixture.random());
    PsiGuest strict = new PsiGuest("guest", List.of("host"), "job", PsiMode.GUEST_LEARNS, EMAIL, ids(10, 0),
        new PsiSettings(16, 2, 20, 1), relay, null, PsiFixture.random());
    relay.register(strict);
    relay.register(h);
    strict.start();
    h.start();
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.SET_TOO_LARGE))
        .hasMessageContaining("announced 50 ids");
    assertThat(h.failure()).get().extracting(PsiException::code).isEqualTo(PsiException.Code.PEER_ABORTED);
    g.close();
  }

  @Test
  void partiesWithDifferentNormalisationRulesRefuseToStart() {
    InMemoryRelay relay = new InMemoryRelay(false);
    PsiGuest g = guest(ids(10, 0), relay, SMALL);
    PsiHost h = new PsiHost("host", "guest", "job", PsiMode.GUEST_LEARNS, IdNormalizer.of("plain"),
        ids(10, 1), SMALL, relay, null, PsiFixture.random());
    relay.register(g);
    relay.register(h);
    g.start();
    h.start();
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.PROTOCOL_MISMATCH))
        .hasMessageContaining("normalisation");
  }

  @Test
  void aMalformedPointFromThePeerStopsTheRunAndNamesThePosition() {
    InMemoryRelay relay = new InMemoryRelay(false);
    // the host's transport corrupts point 5 of its first singly blinded batch
    PsiTransport corrupting = m -> {
      if (m instanceof BlindedBatch b && b.stage() == Stage.SINGLE && b.index() == 0) {
        byte[] pts = b.points().clone();
        pts[5 * 32] |= 1; // a negative field element: never a canonical encoding
        m = new BlindedBatch(b.version(), b.session(), b.from(), b.to(), b.stage(), b.index(), pts);
      }
      relay.send(m);
    };
    PsiGuest g = guest(ids(40, 0), relay, SMALL);
    PsiHost h = new PsiHost("host", "guest", "job", PsiMode.GUEST_LEARNS, EMAIL, ids(40, 1), SMALL,
        corrupting, null, PsiFixture.random());
    relay.register(g);
    relay.register(h);
    g.start();
    h.start();
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.MALFORMED_POINT))
        .hasMessageContaining("point 5 of batch 0 from host");
    assertThat(g.isFinished()).isFalse();
    assertThat(h.failure()).isPresent();
  }

  @Test
  void aReplayedBatchIsRefused() {
    InMemoryRelay relay = new InMemoryRelay(false);
    PsiTransport replaying = m -> {
      relay.send(m);
      if (m instanceof BlindedBatch b && b.stage() == Stage.SINGLE && b.index() == 1) {
        relay.send(m);
      }
    };
    PsiGuest g = guest(ids(40, 0), relay, SMALL);
    PsiHost h = new PsiHost("host", "guest", "job", PsiMode.GUEST_LEARNS, EMAIL, ids(40, 1), SMALL,
        replaying, null, PsiFixture.random());
    relay.register(g);
    relay.register(h);
    g.start();
    h.start();
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.UNEXPECTED_MESSAGE))
        .hasMessageContaining("arrived twice");
  }

  @Test
  void aFilterClientThatAsksForMoreThanItAnnouncedIsCutOff() {
    InMemoryRelay relay = new InMemoryRelay(false);
    FilterServer server = new FilterServer("oem", "f1", EMAIL, ids(50, 0), 16, SMALL, relay, null,
        PsiFixture.random());
    relay.register(server);
    PsiMessages.FilterPublication f = server.publish();
    relay.run();
    PsiTransport greedy = m -> {
      relay.send(m);
      if (m instanceof BlindedBatch b && b.index() == 0) {
        relay.send(new BlindedBatch(b.version(), b.session(), b.from(), b.to(), b.stage(), 7, b.points()));
      }
    };
    FilterClient c = new FilterClient("dealer", "oem", "job", f, EMAIL, ids(20, 1), SMALL, greedy, null,
        PsiFixture.random());
    relay.register(c);
    c.start();
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.QUOTA_EXCEEDED));
    assertThat(server.openSessions()).isZero();
  }

  @Test
  void aFailureWithOneHostAbortsTheWholeMultiPartyRun() {
    InMemoryRelay relay = new InMemoryRelay(false);
    PsiGuest g = new PsiGuest("guest", List.of("dealer", "telco"), "job", PsiMode.BOTH_LEARN, EMAIL,
        ids(30, 0), SMALL, relay, null, PsiFixture.random());
    PsiHost dealer = new PsiHost("dealer", "guest", "job", PsiMode.BOTH_LEARN, EMAIL, ids(30, 1), SMALL,
        relay, null, PsiFixture.random());
    PsiHost telco = new PsiHost("telco", "guest", "job", PsiMode.GUEST_LEARNS, EMAIL, ids(30, 2), SMALL,
        relay, null, PsiFixture.random());
    for (PsiParty p : List.of(g, dealer, telco)) {
      relay.register(p);
    }
    for (PsiParty p : List.of(g, dealer, telco)) {
      p.start();
    }
    assertThatThrownBy(relay::run)
        .isInstanceOfSatisfying(PsiException.class, e -> assertThat(e.code()).isEqualTo(PsiException.Code.PROTOCOL_MISMATCH))
        .hasMessageContaining("uses mode BOTH_LEARN, this party runs GUEST_LEARNS");
    assertThat(dealer.failure()).get().extracting(PsiException::code).isEqualTo(PsiException.Code.PEER_ABORTED);
    assertThat(dealer.isFinished()).isFalse();
    assertThat(g.isFinished()).isFalse();
  }
}
