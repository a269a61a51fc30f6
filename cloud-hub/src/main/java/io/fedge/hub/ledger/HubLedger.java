package io.fedge.hub.ledger;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.NoteVerifier;
import io.fedge.federation.ledger.SignedNote;
import io.fedge.hub.ledger.LedgerStore.PendingReceipt;
import io.fedge.hub.ledger.LedgerStore.StoredCheckpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's Merkle log: appends ({@link Ledger}), signed checkpoints, proofs, receipts and
 * anchoring, over the {@link LedgerStore}. Plain Java; the scheduler, routes and MQTT are adapters.
 */
public final class HubLedger implements Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(HubLedger.class);
  /** Receipts sent per checkpoint round at most; the rest go at the next one. */
  static final int RECEIPT_BATCH = 1000;

  private final LedgerStore store;
  private final NoteSigner signer;
  private final Clock clock;
  private volatile ReceiptChannel receipts;
  private final List<CheckpointAnchor> anchors = new ArrayList<>();

  public HubLedger(LedgerStore store, NoteSigner signer, Clock clock) {
    this.store = store;
    this.signer = signer;
    this.clock = clock;
  }

  /** Where receipts go; until set, pending receipts wait in the database. */
  public void setReceiptChannel(ReceiptChannel channel) {
    this.receipts = channel;
  }

  public synchronized void addAnchor(CheckpointAnchor anchor) {
    anchors.add(anchor);
  }

  public LedgerStore store() {
    return store;
  }

  /** The public key devices pin and auditors compare out of band. */
  public NoteVerifier publicKey() {
    return signer.verifier();
  }

  public String origin() {
    return signer.name();
  }

  @Override
  public List<Long> appendAll(List<Append> batch) {
    Instant now = clock.instant();
    List<LedgerStore.NewEntry> rows = new ArrayList<>(batch.size());
    for (Append a : batch) {
      List<String> recipients = a.recipients() == null ? List.of() : List.copyOf(a.recipients());
      LedgerEntry e = LedgerEntry.of(a.type(), now, recipients, a.body());
      rows.add(new LedgerStore.NewEntry(e.type(), e.encode(), e.recipients(), a.dedupeKey()));
    }
    return store.append(rows, now);
  }

  public long size() {
    return store.size();
  }

  /** The RFC 9162 root of the current stored tree and its size. */
  public TreeHead treeHead() {
    return store.read((proofs, size) -> new TreeHead(size, proofs.root(size)));
  }

  public record TreeHead(long size, byte[] root) {}

  /**
   * Signs and stores a checkpoint of the current tree unless the latest one already covers it;
   * returns the latest checkpoint either way (empty only for an empty log never checkpointed).
   */
  public synchronized StoredCheckpoint checkpoint() {
    TreeHead head = treeHead();
    Optional<StoredCheckpoint> latest = store.latestCheckpoint();
    if (latest.isPresent() && latest.get().size() >= head.size()) {
      if (latest.get().size() > head.size()) {
        throw new LedgerIntegrityException(
            "the stored log has " + head.size() + " entries but checkpoint " + latest.get().size()
                + " was signed: entries were deleted; run fedge ledger audit");
      }
      return latest.get();
    }
    Instant now = clock.instant();
    Checkpoint cp = new Checkpoint(signer.name(), head.size(), head.root());
    String note = SignedNote.sign(cp.toBody(), signer);
    StoredCheckpoint stored = new StoredCheckpoint(head.size(), head.root(), note, now);
    store.saveCheckpoint(stored);
    LOG.info("signed ledger checkpoint at size {}", head.size());
    return store.checkpoint(head.size()).orElse(stored);
  }

  public Optional<StoredCheckpoint> latestCheckpoint() {
    return store.latestCheckpoint();
  }

  /** The inclusion proof of {@code index} in the tree of {@code size} leaves. */
  public List<byte[]> inclusionProof(long index, long size) {
    return store.read((proofs, stored) -> proofs.inclusionProof(index, size));
  }

  /** The consistency proof from {@code from} to {@code to} leaves. */
  public List<byte[]> consistencyProof(long from, long to) {
    return store.read((proofs, stored) -> proofs.consistencyProof(from, to));
  }

  /**
   * Sends a receipt for every entry below the latest checkpoint whose recipients have none yet.
   * Returns how many were sent. A receipt names the checkpoint it is proved under and, if the hub
   * sent the device an earlier one, the consistency proof from that earlier size.
   */
  public int sendReceipts() {
    ReceiptChannel channel = receipts;
    Optional<StoredCheckpoint> latest = store.latestCheckpoint();
    if (channel == null || latest.isEmpty()) {
      return 0;
    }
    StoredCheckpoint cp = latest.get();
    List<PendingReceipt> pending = store.pendingReceipts(cp.size(), RECEIPT_BATCH);
    Map<String, Optional<Long>> lastSent = new HashMap<>();
    int sent = 0;
    for (PendingReceipt p : pending) {
      Optional<Long> from = lastSent.computeIfAbsent(p.deviceId(), store::lastSentSize);
      Long consistencyFrom = from.filter(s -> s > 0 && s < cp.size()).orElse(null);
      LedgerReceipt r = receipt(p, cp, consistencyFrom);
      try {
        channel.send(p.deviceId(), r);
      } catch (RuntimeException e) {
        LOG.warn("receipt for entry {} to {} not sent yet: {}", p.index(), p.deviceId(), e.toString());
        continue;
      }
      store.markSent(p.index(), p.deviceId(), cp.size(), clock.instant());
      lastSent.put(p.deviceId(), Optional.of(cp.size()));
      sent++;
    }
    return sent;
  }

  /**
   * Receipts, under the latest checkpoint, for the entries naming {@code deviceId} after index
   * {@code after}: what a device pulls when a pushed receipt was lost (it was offline without a
   * session, for example).
   */
  public List<LedgerReceipt> receiptsFor(String deviceId, long after, int limit) {
    Optional<StoredCheckpoint> latest = store.latestCheckpoint();
    if (latest.isEmpty()) {
      return List.of();
    }
    StoredCheckpoint cp = latest.get();
    List<LedgerReceipt> out = new ArrayList<>();
    for (PendingReceipt p : store.entriesFor(deviceId, after, cp.size(), limit)) {
      out.add(receipt(p, cp, null));
    }
    return out;
  }

  private LedgerReceipt receipt(PendingReceipt p, StoredCheckpoint cp, Long consistencyFrom) {
    List<String> consistency =
        consistencyFrom == null ? null : LedgerReceipt.encodeHashes(consistencyProof(consistencyFrom, cp.size()));
    return new LedgerReceipt(
        LedgerReceipt.VERSION,
        p.index(),
        p.entry(),
        LedgerReceipt.encodeHashes(inclusionProof(p.index(), cp.size())),
        cp.note(),
        consistencyFrom,
        consistency);
  }

  /** Anchors the latest checkpoint with every anchor that has not anchored it yet. */
  public void anchorLatest() {
    Optional<StoredCheckpoint> latest = store.latestCheckpoint();
    if (latest.isEmpty()) {
      return;
    }
    StoredCheckpoint cp = latest.get();
    List<CheckpointAnchor> all;
    synchronized (this) {
      all = List.copyOf(anchors);
    }
    for (CheckpointAnchor a : all) {
      if (store.lastAnchoredSize(a.name()) >= cp.size()) {
        continue;
      }
      try {
        String ref = a.anchor(new Checkpoint(signer.name(), cp.size(), cp.rootHash()), cp.note());
        store.saveAnchor(cp.size(), a.name(), ref, clock.instant());
        LOG.info("anchored ledger checkpoint {} with {}: {}", cp.size(), a.name(), ref);
      } catch (Exception e) {
        LOG.warn("anchoring checkpoint {} with {} failed, retrying next period: {}", cp.size(), a.name(), e.toString());
      }
    }
  }

  /** One period: sign a checkpoint if the log grew, send due receipts. */
  public void publish() {
    checkpoint();
    sendReceipts();
  }
}
