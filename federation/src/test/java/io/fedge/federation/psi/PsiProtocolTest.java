package io.fedge.federation.psi;

import static io.fedge.federation.psi.PsiFixture.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.psi.PsiMessages.FilterPublication;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every mode finds the known intersection of random sets of 10,000 ids, and no message that the
 * relay carries contains an id or an unblinded hash of one.
 */
class PsiProtocolTest {
  private static final int N = 10_000;

  @Test
  void guestAloneLearnsTheIntersectionOfTenThousandIds() {
    Random rnd = new Random(1);
    Set<Integer> shared = randomSubset(rnd, 0, 3_000);
    List<String> guestIds = PsiFixture.party(shared, N - shared.size(), 1_000_000, 0, rnd);
    List<String> hostIds = PsiFixture.party(shared, N - shared.size(), 2_000_000, 1, rnd);
    InMemoryRelay relay = new InMemoryRelay(true);
    PsiGuest guest = new PsiGuest("guest", List.of("host"), "job-1", PsiMode.GUEST_LEARNS, EMAIL,
        guestIds, PsiFixture.settings(), relay, null, PsiFixture.random());
    PsiHost host = new PsiHost("host", "guest", "job-1", PsiMode.GUEST_LEARNS, EMAIL, hostIds,
        PsiFixture.settings(), relay, null, PsiFixture.random());
    run(relay, guest, host);

    assertThat(guest.isFinished()).isTrue();
    assertThat(host.isFinished()).isTrue();
    assertThat(guest.result().normalizedIds()).isEqualTo(PsiFixture.canonicalSorted(shared));
    assertRowsPointAtTheIds(guest.result(), guestIds);
    assertThat(host.result()).as("the host learns nothing in guest-learns mode").isNull();
    assertNoIdOrHashInAnyMessage(relay, "job-1", guestIds, hostIds);
  }

  @Test
  void bothPartiesLearnTheSameIntersectionInTheSameOrder() {
    Random rnd = new Random(2);
    Set<Integer> shared = randomSubset(rnd, 0, 4_321);
    List<String> guestIds = PsiFixture.party(shared, N - shared.size(), 1_000_000, 2, rnd);
    List<String> hostIds = PsiFixture.party(shared, N - shared.size(), 2_000_000, 0, rnd);
    InMemoryRelay relay = new InMemoryRelay(true);
    PsiGuest guest = new PsiGuest("guest", List.of("host"), "job-2", PsiMode.BOTH_LEARN, EMAIL,
        guestIds, PsiFixture.settings(), relay, null, PsiFixture.random());
    PsiHost host = new PsiHost("host", "guest", "job-2", PsiMode.BOTH_LEARN, EMAIL, hostIds,
        PsiFixture.settings(), relay, null, PsiFixture.random());
    run(relay, guest, host);

    List<String> expected = PsiFixture.canonicalSorted(shared);
    assertThat(guest.result().normalizedIds()).isEqualTo(expected);
    assertThat(host.result().normalizedIds()).isEqualTo(expected);
    assertRowsPointAtTheIds(guest.result(), guestIds);
    assertRowsPointAtTheIds(host.result(), hostIds);
    assertNoIdOrHashInAnyMessage(relay, "job-2", guestIds, hostIds);
    // the reveal carries exactly the intersection, nothing about the host's other ids
    long revealed = relay.log().stream().map(r -> PsiCodec.decode(r.wire()))
        .filter(m -> m instanceof PsiMessages.Reveal)
        .mapToLong(m -> ((PsiMessages.Reveal) m).positions().length).sum();
    assertThat(revealed).isEqualTo(shared.size());
  }

  @Test
  void threePartiesLearnTheIdsPresentAtEveryParty() {
    Random rnd = new Random(3);
    // customers 0..9999 exist; each party holds a random 70% of them
    List<Set<Integer>> holdings = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      holdings.add(randomSubset(rnd, 0, 7_000));
    }
    Set<Integer> all = new TreeSet<>(holdings.get(0));
    all.retainAll(holdings.get(1));
    all.retainAll(holdings.get(2));
    List<List<String>> ids = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      ids.add(PsiFixture.party(holdings.get(p), 0, 0, p, rnd));
    }
    InMemoryRelay relay = new InMemoryRelay(true);
    PsiGuest guest = new PsiGuest("guest", List.of("dealer", "telco"), "job-3", PsiMode.BOTH_LEARN,
        EMAIL, ids.get(0), PsiFixture.settings(), relay, null, PsiFixture.random());
    PsiHost dealer = new PsiHost("dealer", "guest", "job-3", PsiMode.BOTH_LEARN, EMAIL, ids.get(1),
        PsiFixture.settings(), relay, null, PsiFixture.random());
    PsiHost telco = new PsiHost("telco", "guest", "job-3", PsiMode.BOTH_LEARN, EMAIL, ids.get(2),
        PsiFixture.settings(), relay, null, PsiFixture.random());
    run(relay, guest, dealer, telco);

    List<String> expected = PsiFixture.canonicalSorted(all);
    assertThat(all.size()).isBetween(3_000, 4_000);
    assertThat(guest.result().normalizedIds()).isEqualTo(expected);
    assertThat(dealer.result().normalizedIds()).isEqualTo(expected);
    assertThat(telco.result().normalizedIds()).isEqualTo(expected);
    assertNoIdOrHashInAnyMessage(relay, "job-3", ids.get(0), ids.get(1), ids.get(2));
  }

  @Test
  void manySmallPartiesReuseOneFilterOfTheLargeParty() {
    Random rnd = new Random(4);
    Set<Integer> large = new TreeSet<>(); // 20,000 of customers 0..39,999
    while (large.size() < 20_000) {
      large.add(rnd.nextInt(40_000));
    }
    List<String> largeIds = PsiFixture.party(large, 0, 0, 1, rnd);
    InMemoryRelay relay = new InMemoryRelay(true);
    FilterServer server = new FilterServer("oem", "filter-2026-11", EMAIL, largeIds, 32,
        PsiFixture.settings(), relay, null, PsiFixture.random());
    relay.register(server);
    FilterPublication filter = server.publish();
    relay.run();
    assertThat(CuckooFilter.falsePositiveBound(filter.fingerprintBits())).isLessThan(2e-9);

    for (int c = 0; c < 2; c++) {
      Set<Integer> small = new TreeSet<>();
      while (small.size() < N) {
        small.add(rnd.nextInt(40_000));
      }
      List<String> smallIds = PsiFixture.party(small, 0, 0, c, rnd);
      FilterClient client = new FilterClient("dealer-" + c, "oem", "job-4-" + c, filter, EMAIL,
          smallIds, PsiFixture.settings(), relay, null, PsiFixture.random());
      relay.register(client);
      client.start();
      relay.run();
      Set<Integer> expected = new TreeSet<>(small);
      expected.retainAll(large);
      assertThat(client.isFinished()).isTrue();
      // the bound on expected false positives is 2e-5 here, so the result is exact
      assertThat(client.expectedFalsePositivesBound()).isLessThan(1e-4);
      assertThat(client.result().normalizedIds()).isEqualTo(PsiFixture.canonicalSorted(expected));
      assertRowsPointAtTheIds(client.result(), smallIds);
      assertNoIdOrHashInAnyMessage(relay, "filter-2026-11", largeIds, smallIds);
    }
    assertThat(server.openSessions()).isZero();
  }

  @Test
  void aFilterServerResumedFromItsKeptKeyServesLaterJobsWithoutBlindingItsSetAgain() {
    Random rnd = new Random(5);
    Set<Integer> large = randomSubset(rnd, 0, N);
    List<String> largeIds = PsiFixture.party(large, 0, 0, 1, rnd);
    InMemoryRelay first = new InMemoryRelay(true);
    FilterServer built = new FilterServer("oem", "filter-kept", EMAIL, largeIds, 32, PsiFixture.settings(), first,
        null, PsiFixture.random());
    first.register(built);
    FilterPublication filter = built.publish();
    first.run();
    assertThat(built.blindedOwnIds()).isEqualTo(largeIds.size());
    byte[] key = built.keyBytes();
    built.close();
    // what the large party keeps: the key and the publication, through the wire codec
    FilterPublication kept = (FilterPublication) PsiCodec.decode(PsiCodec.encode(filter));

    InMemoryRelay later = new InMemoryRelay(true);
    FilterServer resumed = FilterServer.resume("oem", kept, key, PsiFixture.settings(), later, null);
    later.register(resumed);
    Set<Integer> small = randomSubset(rnd, 5_000, N);
    List<String> smallIds = PsiFixture.party(small, 0, 0, 2, rnd);
    FilterClient client = new FilterClient("dealer", "oem", "job-5", resumed.publish(), EMAIL, smallIds,
        PsiFixture.settings(), later, null, PsiFixture.random());
    later.register(client);
    client.start();
    later.run();

    Set<Integer> expected = new TreeSet<>(small);
    expected.retainAll(large);
    assertThat(expected).hasSizeBetween(1_000, N - 1_000);
    assertThat(client.result().normalizedIds()).isEqualTo(PsiFixture.canonicalSorted(expected));
    assertRowsPointAtTheIds(client.result(), smallIds);
    assertThat(resumed.blindedOwnIds()).as("a resumed server does not hash or blind its own set").isZero();
    assertNoIdOrHashInAnyMessage(later, "filter-kept", largeIds, smallIds);
    resumed.close();
  }

  private static void run(InMemoryRelay relay, PsiParty... parties) {
    for (PsiParty p : parties) {
      relay.register(p);
    }
    for (PsiParty p : parties) {
      p.start();
    }
    relay.run();
    for (PsiParty p : parties) {
      p.close();
    }
  }

  static Set<Integer> randomSubset(Random rnd, int base, int size) {
    Set<Integer> s = new TreeSet<>();
    while (s.size() < size) {
      s.add(base + rnd.nextInt(N));
    }
    return s;
  }

  private static void assertRowsPointAtTheIds(PsiResult r, List<String> input) {
    for (int i = 0; i < r.size(); i++) {
      assertThat(EMAIL.normalize(input.get(r.rows()[i])).orElseThrow())
          .isEqualTo(r.normalizedIds().get(i));
    }
  }

  /**
   * No wire message contains an id (in any party's spelling: all contain "cust.") nor the
   * unblinded hash H(x) of any id of any party, at any byte offset.
   */
  @SafeVarargs
  static void assertNoIdOrHashInAnyMessage(InMemoryRelay relay, String context, List<String>... sets) {
    assertThat(relay.log()).isNotEmpty();
    Set<Long> prefixes = new HashSet<>();
    List<byte[]> hashes = new ArrayList<>();
    try (Blinder b = new Blinder(context, 1)) {
      for (List<String> set : sets) {
        for (String id : set) {
          byte[] h = b.hash(EMAIL.normalize(id).orElseThrow().getBytes(StandardCharsets.UTF_8)).encode();
          hashes.add(h);
          prefixes.add(java.nio.ByteBuffer.wrap(h).getLong());
        }
      }
    }
    long points = 0;
    for (InMemoryRelay.Relayed r : relay.log()) {
      String text = new String(r.wire(), StandardCharsets.ISO_8859_1);
      assertThat(text.toLowerCase(Locale.ROOT)).doesNotContain("cust.");
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(r.wire());
      for (int off = 0; off + 32 <= r.wire().length; off++) {
        if (prefixes.contains(buf.getLong(off))) {
          for (byte[] h : hashes) {
            assertThat(java.util.Arrays.equals(h, 0, 32, r.wire(), off, off + 32))
                .as("an unblinded id hash at offset %d of a message %s", off, r.from() + "->" + r.to())
                .isFalse();
          }
        }
      }
      points += r.wire().length / 32;
    }
    assertThat(points).isPositive();
  }
}
