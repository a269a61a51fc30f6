package io.fedge.hub.ledger;

import java.util.Collection;
import java.util.List;

/**
 * What other hub features use to log: append an entry, get its leaf index. Entries are durable
 * when the call returns; each entry with recipients earns each recipient device a receipt once a
 * signed checkpoint covers it. Types are in {@link EntryTypes}; the body is a {@code Map} or a
 * record under the {@link io.fedge.federation.ledger.CanonicalJson} rules (integers only, no
 * nulls), at most 64 KB encoded.
 */
public interface Ledger {

  /** One entry of a batch. {@code dedupeKey} (nullable) makes the append idempotent. */
  record Append(String type, Object body, Collection<String> recipients, String dedupeKey) {
    public Append(String type, Object body, Collection<String> recipients) {
      this(type, body, recipients, null);
    }
  }

  /** Appends one entry in its own transaction and returns its index. */
  default long append(String type, Object body, Collection<String> recipients) {
    return appendAll(List.of(new Append(type, body, recipients))).get(0);
  }

  /**
   * Appends one entry unless an entry with {@code dedupeKey} exists (then returns that one's
   * index): for callers that may retry, such as message handlers under at-least-once delivery.
   */
  default long appendOnce(String dedupeKey, String type, Object body, Collection<String> recipients) {
    return appendAll(List.of(new Append(type, body, recipients, dedupeKey))).get(0);
  }

  /** Appends every entry in one transaction; returns their indices in order. */
  List<Long> appendAll(List<Append> batch);
}
