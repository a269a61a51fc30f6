package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any interleaving of enqueue, coalesced enqueue, peek, delivered and reopen keeps enqueue order
 * and never loses a row that was not marked delivered (or replaced by a newer one of its key).
 */
class OutboxPropertiesTest {

  sealed interface Op permits Enqueue, EnqueueLatest, DeliverNth, Peek, Reopen {}

  record Enqueue() implements Op {}

  record EnqueueLatest(String key) implements Op {}

  record DeliverNth(int n) implements Op {}

  record Peek(int max) implements Op {}

  record Reopen() implements Op {}

  record Row(String id, String key) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.just(new Enqueue())),
            net.jqwik.api.Tuple.of(
                2, Arbitraries.of("hb", "status").map(k -> (Op) new EnqueueLatest(k))),
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 6).map(DeliverNth::new)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 8).map(Peek::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())));
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 100)
  void anyInterleavingKeepsOrderAndLosesNothingUndelivered(@ForAll("ops") List<Op> ops)
      throws IOException {
    Path dir = Files.createTempDirectory("outbox-prop");
    Path db = dir.resolve("outbox.db");
    List<Row> model = new ArrayList<>();
    int counter = 0;
    Outbox o = Outbox.open(db);
    try {
      for (Op op : ops) {
        if (op instanceof Enqueue) {
          String id = "m" + counter++;
          o.enqueue(id, "t/" + id, id.getBytes(StandardCharsets.UTF_8));
          model.add(new Row(id, null));
        } else if (op instanceof EnqueueLatest l) {
          String id = "m" + counter++;
          o.enqueueLatest(l.key(), id, "t/" + l.key(), id.getBytes(StandardCharsets.UTF_8));
          model.removeIf(r -> l.key().equals(r.key()));
          model.add(new Row(id, l.key()));
        } else if (op instanceof DeliverNth d) {
          List<Outbox.Pending> rows = o.peek(d.n() + 1);
          if (rows.size() > d.n()) {
            Outbox.Pending row = rows.get(d.n());
            assertThat(o.delivered(row.seq())).isTrue();
            assertThat(o.delivered(row.seq())).isFalse();
            model.removeIf(r -> r.id().equals(row.messageId()));
          }
        } else if (op instanceof Peek p) {
          List<Outbox.Pending> rows = o.peek(p.max());
          assertThat(rows.stream().map(Outbox.Pending::messageId).toList())
              .containsExactlyElementsOf(model.stream().limit(p.max()).map(Row::id).toList());
        } else if (op instanceof Reopen) {
          o.close();
          o = Outbox.open(db);
        }
        List<Outbox.Pending> all = o.peek(Integer.MAX_VALUE);
        assertThat(all.stream().map(Outbox.Pending::messageId).toList())
            .containsExactlyElementsOf(model.stream().map(Row::id).toList());
        assertThat(all).extracting(Outbox.Pending::seq).isSorted();
        for (Outbox.Pending p : all) {
          assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(p.messageId());
        }
        assertThat(o.depth()).isEqualTo(model.size());
      }
    } finally {
      o.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
