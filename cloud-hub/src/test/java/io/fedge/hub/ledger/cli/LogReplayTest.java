package io.fedge.hub.ledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.CompactRange;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.Rfc9162;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogReplayTest {
  final List<String> entries = new ArrayList<>();
  final List<Checkpoint> checkpoints = new ArrayList<>();

  LogReplayTest() {
    CompactRange r = new CompactRange();
    for (int i = 0; i < 40; i++) {
      String e = LedgerEntry.of("enrollment", Instant.EPOCH, List.of(), Map.of("i", i)).encodeToString();
      entries.add(e);
      r.append(Rfc9162.leafHash(e.getBytes(StandardCharsets.UTF_8)));
      if (i % 10 == 9) {
        checkpoints.add(new Checkpoint("hub.example/ledger", r.size(), r.root()));
      }
    }
  }

  List<String> replay(List<String> log, boolean withStoredHashes) {
    LogReplay r = new LogReplay(checkpoints);
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i) != null) {
        r.add(i, log.get(i), withStoredHashes ? Rfc9162.leafHash(entries.get(i).getBytes(StandardCharsets.UTF_8)) : null);
      }
    }
    return r.finish();
  }

  @Test
  void anIntactLogReplaysToEveryCheckpoint() {
    assertThat(replay(entries, true)).isEmpty();
  }

  @Test
  void anAlteredEntryIsFoundByItsLeafHashAndByTheRoot() {
    List<String> log = new ArrayList<>(entries);
    log.set(12, log.get(12).replace("\"i\":12", "\"i\":99"));
    assertThat(replay(log, true)).anySatisfy(p -> assertThat(p).contains("entry 12 does not hash to its stored leaf hash"));
    assertThat(replay(log, false)).anySatisfy(p -> assertThat(p).contains("recomputed root at size 20"));
  }

  @Test
  void deletedAndTruncatedEntriesAreFound() {
    List<String> gap = new ArrayList<>(entries);
    gap.set(25, null);
    assertThat(replay(gap, true)).anySatisfy(p -> assertThat(p).contains("entries 25..25 are missing"));
    assertThat(replay(entries.subList(0, 35), true)).anySatisfy(p -> assertThat(p).contains("fewer than the signed checkpoint of size 40"));
  }
}
