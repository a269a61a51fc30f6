package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> ids(List<Outbox.Pending> rows) {
    return rows.stream().map(Outbox.Pending::messageId).toList();
  }

  @Test
  void outboxSurvivesReopen() {
    Path db = dir.resolve("agent.db");
    try (Outbox o = Outbox.open(db)) {
      for (int i = 0; i < 10; i++) {
        o.enqueue("m" + i, "t/" + i, bytes("payload " + i));
      }
      o.delivered(o.peek(1).get(0).seq());
    }
    try (Outbox o = Outbox.open(db)) {
      assertThat(o.depth()).isEqualTo(9);
      List<Outbox.Pending> rows = o.peek(100);
      assertThat(ids(rows)).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
      assertThat(rows.get(0).topic()).isEqualTo("t/1");
      assertThat(new String(rows.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("payload 1");
      assertThat(rows.get(0).qos()).isEqualTo(1);
      assertThat(rows).extracting(Outbox.Pending::seq).isSorted();
      // seq is never reused after a reopen
      o.enqueue("m10", "t", bytes("x"));
      assertThat(o.peek(100).get(9).seq()).isGreaterThan(rows.get(8).seq());
    }
  }

  @Test
  void heartbeatCoalescingKeepsOnlyTheNewest() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      o.enqueue("d1", "t/data", bytes("d1"));
      o.enqueueLatest("heartbeat", "hb1", "t/hb", bytes("hb1"));
      o.enqueue("d2", "t/data", bytes("d2"));
      o.enqueueLatest("heartbeat", "hb2", "t/hb", bytes("hb2"));
      o.enqueueLatest("heartbeat", "hb3", "t/hb", bytes("hb3"));
      o.enqueueLatest("status", "st1", "t/st", bytes("st1"));
      assertThat(ids(o.peek(100))).containsExactly("d1", "d2", "hb3", "st1");
      assertThat(o.depth()).isEqualTo(4);
      Outbox.Pending hb = o.peek(100).get(2);
      assertThat(hb.coalesceKey()).isEqualTo("heartbeat");
      assertThat(new String(hb.payload(), StandardCharsets.UTF_8)).isEqualTo("hb3");
      // once delivered, the next heartbeat is simply enqueued again
      o.delivered(hb.seq());
      o.enqueueLatest("heartbeat", "hb4", "t/hb", bytes("hb4"));
      assertThat(ids(o.peek(100))).containsExactly("d1", "d2", "st1", "hb4");
    }
  }

  @Test
  void aReplacedRowThatWasInFlightIsNotConfusedWithItsReplacement() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      o.enqueueLatest("hb", "hb1", "t", bytes("1"));
      long sentSeq = o.peek(1).get(0).seq();
      o.enqueueLatest("hb", "hb2", "t", bytes("2"));
      assertThat(o.delivered(sentSeq)).isFalse(); // the late PUBACK of hb1
      assertThat(ids(o.peek(10))).containsExactly("hb2");
    }
  }

  @Test
  void fullOutboxEvictsCoalescibleRowsFirstThenRefusesDurableOnes() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"), 4)) {
      o.enqueueLatest("hb", "hb1", "t", bytes("hb"));
      o.enqueue("d1", "t", bytes("1"));
      o.enqueueLatest("status", "st1", "t", bytes("st"));
      o.enqueue("d2", "t", bytes("2"));
      assertThat(o.depth()).isEqualTo(4);

      o.enqueue("d3", "t", bytes("3")); // evicts hb1, the oldest coalescible row
      assertThat(ids(o.peek(10))).containsExactly("d1", "st1", "d2", "d3");
      o.enqueue("d4", "t", bytes("4")); // evicts st1
      assertThat(ids(o.peek(10))).containsExactly("d1", "d2", "d3", "d4");

      assertThatThrownBy(() -> o.enqueue("d5", "t", bytes("5")))
          .isInstanceOf(OutboxFullException.class)
          .hasMessageContaining("full");
      assertThatThrownBy(() -> o.enqueueLatest("hb", "hb2", "t", bytes("hb")))
          .isInstanceOf(OutboxFullException.class);
      assertThat(ids(o.peek(10))).containsExactly("d1", "d2", "d3", "d4");
      assertThat(o.depth()).isEqualTo(4);

      o.delivered(o.peek(1).get(0).seq());
      o.enqueue("d5", "t", bytes("5"));
      assertThat(ids(o.peek(10))).containsExactly("d2", "d3", "d4", "d5");
    }
  }

  @Test
  void replacingACoalescedRowInAFullOutboxNeedsNoEviction() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"), 2)) {
      o.enqueue("d1", "t", bytes("1"));
      o.enqueueLatest("hb", "hb1", "t", bytes("a"));
      o.enqueueLatest("hb", "hb2", "t", bytes("b"));
      assertThat(ids(o.peek(10))).containsExactly("d1", "hb2");
    }
  }

  @Test
  void aDuplicatePendingMessageIdIsRefusedAndNothingChanges() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      o.enqueue("same", "t", bytes("1"));
      assertThatThrownBy(() -> o.enqueue("same", "t", bytes("2")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("same");
      assertThat(o.depth()).isEqualTo(1);
      assertThat(new String(o.peek(1).get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("1");
    }
  }

  @Test
  void repeatedRejectionsMoveARowToTheDeadLetterTableWithTheReason() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      o.enqueue("a", "t/a", bytes("a"));
      o.enqueue("b", "t/b", bytes("b"));
      long seq = o.peek(1).get(0).seq();
      assertThat(o.rejected(seq, "0x87 not authorized", 3)).isFalse();
      assertThat(o.rejected(seq, "0x87 not authorized", 3)).isFalse();
      assertThat(o.peek(1).get(0).attempts()).isEqualTo(2);
      assertThat(o.rejected(seq, "0x87 not authorized", 3)).isTrue();
      assertThat(ids(o.peek(10))).containsExactly("b");
      assertThat(o.depth()).isEqualTo(1);
      assertThat(o.deadLetterDepth()).isEqualTo(1);
      Outbox.DeadLetter d = o.deadLetters(10).get(0);
      assertThat(d.messageId()).isEqualTo("a");
      assertThat(d.topic()).isEqualTo("t/a");
      assertThat(d.attempts()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo("0x87 not authorized");
      assertThat(o.rejected(seq, "again", 3)).isFalse(); // no longer pending
    }
  }

  @Test
  void peekAfterReturnsOnlyLaterRowsInOrder() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      for (int i = 0; i < 5; i++) {
        o.enqueue("m" + i, "t", bytes("x"));
      }
      List<Outbox.Pending> all = o.peek(10);
      assertThat(ids(o.peekAfter(all.get(1).seq(), 2))).containsExactly("m2", "m3");
      assertThat(o.peekAfter(all.get(4).seq(), 10)).isEmpty();
      assertThat(o.peek(0)).isEmpty();
    }
  }

  @Test
  void listenersHearEveryEnqueue() {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      AtomicInteger heard = new AtomicInteger();
      o.addListener(heard::incrementAndGet);
      o.enqueue("a", "t", bytes("a"));
      o.enqueueLatest("k", "b", "t", bytes("b"));
      assertThat(heard).hasValue(2);
    }
  }

  @Test
  void concurrentEnqueuersLoseNothing() throws Exception {
    try (Outbox o = Outbox.open(dir.resolve("a.db"))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    o.enqueue(thread + "-" + i, "t", bytes("x"));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(o.depth()).isEqualTo(200);
      List<Outbox.Pending> rows = o.peek(1000);
      assertThat(rows).hasSize(200);
      assertThat(ids(rows)).doesNotHaveDuplicates();
      // per thread, enqueue order is kept
      for (int t = 0; t < 4; t++) {
        String prefix = t + "-";
        List<String> mine = ids(rows).stream().filter(id -> id.startsWith(prefix)).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          expected.add(prefix + i);
        }
        assertThat(mine).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void aClosedOutboxRefusesWork() {
    Outbox o = Outbox.open(dir.resolve("a.db"));
    o.close();
    assertThatThrownBy(() -> o.enqueue("a", "t", bytes("a")))
        .isInstanceOf(IllegalStateException.class);
  }
}
