package io.fedge.hub.ledger.cli;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.CompactRange;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.Rfc9162;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a whole log from its entries: checks indices run 0, 1, 2... without a gap, every entry
 * is canonical and its recomputed leaf hash equals the stored one, and the root recomputed at each
 * checkpoint's size equals that checkpoint's root. Feed entries in index order, then {@link #finish}.
 */
public final class LogReplay {
  private final CompactRange range = new CompactRange();
  private final Map<Long, Checkpoint> wanted = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private long expectedIndex;
  private boolean broken;

  /** Checkpoints (already signature-checked) whose roots the replay must reproduce. */
  public LogReplay(List<Checkpoint> checkpoints) {
    for (Checkpoint cp : checkpoints) {
      wanted.merge(cp.size(), cp, (a, b) -> {
        if (!MessageDigest.isEqual(a.rootHash(), b.rootHash())) {
          problems.add("two signed checkpoints of size " + a.size() + " have different roots: the log is forked");
        }
        return a;
      });
    }
    check(0);
  }

  /** One stored entry; {@code storedLeafHash} may be null where the source has none. */
  public void add(long index, String entry, byte[] storedLeafHash) {
    if (broken) {
      return;
    }
    if (index != expectedIndex) {
      problems.add(index > expectedIndex
          ? "entries " + expectedIndex + ".." + (index - 1) + " are missing (deleted?)"
          : "entry " + index + " is out of order or repeated");
      if (index < expectedIndex) {
        return;
      }
      // Leaves are missing: no root after this point can be recomputed; stop here.
      broken = true;
      return;
    }
    byte[] bytes = entry.getBytes(StandardCharsets.UTF_8);
    try {
      LedgerEntry.parse(bytes);
    } catch (IllegalArgumentException e) {
      problems.add("entry " + index + " is not a canonical entry: " + e.getMessage());
    }
    byte[] leaf = Rfc9162.leafHash(bytes);
    if (storedLeafHash != null && !MessageDigest.isEqual(leaf, storedLeafHash)) {
      problems.add("entry " + index + " does not hash to its stored leaf hash (the entry was altered)");
    }
    range.append(leaf);
    expectedIndex++;
    check(range.size());
  }

  private void check(long size) {
    Checkpoint cp = wanted.remove(size);
    if (cp != null && !MessageDigest.isEqual(cp.rootHash(), range.root())) {
      problems.add("recomputed root at size " + size + " is " + Base64.getEncoder().encodeToString(range.root())
          + " but the signed checkpoint says " + Base64.getEncoder().encodeToString(cp.rootHash())
          + " (entries before it were altered, or the log was rewritten)");
    }
  }

  /** Every problem found; empty if the log is intact. */
  public List<String> finish() {
    for (Checkpoint cp : wanted.values()) {
      problems.add("the log has " + range.size() + " entries, fewer than the signed checkpoint of size " + cp.size()
          + " (entries were deleted or the log truncated)");
    }
    wanted.clear();
    return List.copyOf(problems);
  }

  public long size() {
    return range.size();
  }

  public byte[] root() {
    return range.root();
  }
}
