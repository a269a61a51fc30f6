package io.fedge.agent.ledger;

import io.fedge.agent.ledger.ReceiptStore.Kept;
import io.fedge.agent.ledger.ReceiptStore.State;
import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.LedgerAlarm;
import io.fedge.federation.ledger.LedgerCheckException;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.ledger.NoteException;
import io.fedge.federation.ledger.NoteVerifier;
import io.fedge.federation.ledger.ProofException;
import io.fedge.federation.ledger.ProofVerifier;
import io.fedge.federation.ledger.ReceiptVerifier;
import io.fedge.federation.ledger.Rfc9162;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's watch over the hub's ledger (docs/ledger.md, "Receipts"):
 *
 * <ol>
 *   <li>pins the ledger key once: from {@code <data>/ledger-key.pub} if the image carries one,
 *       else from the hub right after enrollment, over TLS pinned to the claim bundle's CA;
 *   <li>verifies each receipt: signature, entry, inclusion, and that its checkpoint is consistent
 *       with the one kept (proof in the receipt, or fetched); keeps the larger checkpoint;
 *   <li>pulls receipts it has not got (a pushed one is lost if it arrives before the device's first
 *       MQTT session exists);
 *   <li>periodically re-checks: the hub's latest checkpoint against the kept one, and that each
 *       recent receipted entry is still served unchanged and still proved under the kept root;
 *   <li>on any failed check: stores an alarm, tells the hub ({@code ledger-alarm}), and stops
 *       taking part in rounds ({@link #participationAllowed()}) until ops clear it.
 * </ol>
 *
 * A hub that cannot be reached is not an alarm: the receipt stays UNCHECKED and is re-checked.
 */
public final class LedgerMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerMonitor.class);
  public static final String PINNED_KEY_FILE = "ledger-key.pub";
  static final int RECHECK = 20;

  private final ReceiptStore store;
  private final java.util.function.Supplier<String> deviceId;
  private final LedgerSource hub;
  private final Consumer<LedgerAlarm> alarmUplink;
  private final Clock clock;
  private final Path dataDir;
  private volatile boolean participationAllowed;

  public LedgerMonitor(ReceiptStore store, java.util.function.Supplier<String> deviceId, LedgerSource hub, Consumer<LedgerAlarm> alarmUplink, Clock clock, Path dataDir)
      throws SQLException {
    this.store = store;
    this.deviceId = deviceId;
    this.hub = hub;
    this.alarmUplink = alarmUplink;
    this.clock = clock;
    this.dataDir = dataDir;
    this.participationAllowed = store.openAlarms().isEmpty();
  }

  /** False while a ledger alarm is open: features must not start or join rounds. */
  public boolean participationAllowed() {
    return participationAllowed;
  }

  /** Receipts, newest first, with their verification state. */
  public List<ReceiptStore.Receipt> receipts() {
    try {
      return store.receipts(200);
    } catch (SQLException e) {
      throw new IllegalStateException("ledger store unreadable", e);
    }
  }

  /** The oldest open alarm, if any. */
  public Optional<ReceiptStore.Alarm> alarm() {
    try {
      return store.openAlarms().stream().findFirst();
    } catch (SQLException e) {
      throw new IllegalStateException("ledger store unreadable", e);
    }
  }

  /** The pinned key, pinning it first if needed. */
  public synchronized NoteVerifier pinnedKey() throws IOException, SQLException {
    Optional<String> pinned = store.pinnedKey();
    if (pinned.isEmpty()) {
      Path file = dataDir.resolve(PINNED_KEY_FILE);
      if (Files.exists(file)) {
        store.pin(Files.readString(file).trim(), "file " + file, clock.instant());
      } else {
        store.pin(hub.publicKey().trim(), "hub at enrollment", clock.instant());
      }
      pinned = store.pinnedKey();
      LOG.info("pinned ledger key {}", pinned.orElseThrow());
    }
    try {
      return NoteVerifier.parse(pinned.orElseThrow());
    } catch (NoteException e) {
      throw new IOException("the pinned ledger key is not a valid verifier key: " + e.getMessage(), e);
    }
  }

  /** Handles one receipt from the hub. Idempotent: a redelivered receipt is verified again. */
  public synchronized void onReceipt(LedgerReceipt r) throws IOException, SQLException {
    NoteVerifier key = pinnedKey();
    String entryType = "?";
    String leafHex = r.entry() == null ? "" : HexFormat.of().formatHex(Rfc9162.leafHash(r.entry().getBytes(StandardCharsets.UTF_8)));
    try {
      ReceiptVerifier.Verified v = ReceiptVerifier.verifyReceipt(r, key, deviceId.get());
      entryType = v.entry().type();
      State state = checkAgainstKept(v.checkpoint(), r.checkpoint(), r.consistencyFrom(), r.consistency());
      store.saveReceipt(new ReceiptStore.Receipt(r.index(), entryType, r.entry(), leafHex, v.checkpoint().size(),
          HexFormat.of().formatHex(v.checkpoint().rootHash()), state,
          state == State.UNCHECKED ? "consistency not checked yet: hub unreachable" : null, clock.instant()));
    } catch (LedgerCheckException e) {
      store.saveReceipt(new ReceiptStore.Receipt(r.index(), entryType, r.entry() == null ? "" : r.entry(), leafHex, -1, null, State.FAILED,
          e.getMessage(), clock.instant()));
      raise(e);
    }
  }

  /**
   * Checks {@code cp} against the kept checkpoint and keeps the larger. Returns VERIFIED, or
   * UNCHECKED if a needed proof could not be fetched; throws if they are inconsistent.
   */
  private State checkAgainstKept(Checkpoint cp, String note, Long proofFrom, List<String> proof) throws LedgerCheckException, SQLException {
    Optional<Kept> kept = store.kept();
    if (kept.isEmpty()) {
      store.keep(new Kept(cp.size(), cp.rootHash(), note));
      return State.VERIFIED;
    }
    Checkpoint old = new Checkpoint(cp.origin(), kept.get().size(), kept.get().rootHash());
    List<byte[]> hashes;
    if (old.size() == cp.size()) {
      hashes = List.of();
    } else if (proofFrom != null && proofFrom == old.size() && cp.size() > old.size()) {
      try {
        hashes = LedgerReceipt.decodeHashes(proof);
      } catch (ProofException e) {
        throw new LedgerCheckException(LedgerCheckException.Kind.CONSISTENCY, e.getMessage(), e);
      }
    } else {
      try {
        hashes = hub.consistency(Math.min(old.size(), cp.size()), Math.max(old.size(), cp.size()));
      } catch (IOException e) {
        LOG.info("consistency proof {} -> {} not fetched: {}", old.size(), cp.size(), e.getMessage());
        return State.UNCHECKED;
      }
    }
    ReceiptVerifier.verifyConsistency(old, cp, hashes);
    if (cp.size() > old.size()) {
      store.keep(new Kept(cp.size(), cp.rootHash(), note));
    }
    return State.VERIFIED;
  }

  /**
   * One periodic re-check against the hub: its latest checkpoint must extend the kept one, and the
   * most recent receipted entries must still be served unchanged and proved under the kept root.
   */
  public synchronized void watch() throws SQLException {
    NoteVerifier key;
    String note;
    try {
      key = pinnedKey();
      note = hub.latestCheckpoint();
    } catch (IOException e) {
      LOG.debug("ledger watch skipped: {}", e.getMessage());
      return;
    }
    try {
      long newest = store.receipts(1).stream().mapToLong(ReceiptStore.Receipt::index).max().orElse(-1);
      for (LedgerReceipt r : hub.receiptsAfter(newest)) {
        onReceipt(r);
      }
    } catch (IOException e) {
      LOG.debug("receipts not pulled: {}", e.getMessage());
    }
    try {
      Checkpoint latest = ReceiptVerifier.openCheckpoint(note, key);
      checkAgainstKept(latest, note, null, null);
      Optional<Kept> kept = store.kept();
      if (kept.isEmpty()) {
        return;
      }
      for (ReceiptStore.Receipt r : store.receipts(RECHECK)) {
        // FAILED receipts too: after ops clear an alarm, a log that is still damaged raises it again.
        if (r.index() >= kept.get().size()) {
          continue;
        }
        recheck(r, kept.get());
      }
    } catch (LedgerCheckException e) {
      raise(e);
    } catch (IOException e) {
      LOG.debug("ledger watch interrupted: {}", e.getMessage());
    }
  }

  private void recheck(ReceiptStore.Receipt r, Kept kept) throws LedgerCheckException, IOException, SQLException {
    Optional<String> served = hub.entry(r.index());
    if (served.isEmpty()) {
      fail(r, new LedgerCheckException(LedgerCheckException.Kind.ENTRY, "entry " + r.index() + " is gone from the hub's log"));
    }
    String servedHex = HexFormat.of().formatHex(Rfc9162.leafHash(served.get().getBytes(StandardCharsets.UTF_8)));
    if (!servedHex.equals(r.leafHash())) {
      fail(r, new LedgerCheckException(LedgerCheckException.Kind.ENTRY, "entry " + r.index() + " served by the hub differs from its receipt"));
    }
    try {
      LedgerEntry.parse(served.get().getBytes(StandardCharsets.UTF_8));
      ProofVerifier.verifyInclusion(r.index(), kept.size(), HexFormat.of().parseHex(r.leafHash()), hub.inclusion(r.index(), kept.size()), kept.rootHash());
    } catch (ProofException | IllegalArgumentException e) {
      fail(r, new LedgerCheckException(LedgerCheckException.Kind.INCLUSION,
          "entry " + r.index() + " is no longer proved under the kept checkpoint " + kept.size() + ": " + e.getMessage(), e));
    }
    if (r.state() != State.VERIFIED && !r.entry().isEmpty()) {
      store.setState(r.index(), State.VERIFIED, r.state() == State.FAILED ? "verified again after a failure (see alarms)" : null);
    }
  }

  private void fail(ReceiptStore.Receipt r, LedgerCheckException e) throws LedgerCheckException, SQLException {
    store.setState(r.index(), State.FAILED, e.getMessage());
    throw e;
  }

  private void raise(LedgerCheckException e) throws SQLException {
    LOG.error("LEDGER ALARM ({}): {}; this device stops taking part in rounds until ops clear it", e.kind(), e.getMessage());
    participationAllowed = false;
    if (store.raise(clock.instant(), e.kind().name(), e.getMessage())) {
      alarmUplink.accept(new LedgerAlarm(e.kind().name(), e.getMessage(), clock.instant().toString()));
    }
  }

  /** Ops cleared the alarm at the hub. */
  public synchronized void onCleared() throws SQLException {
    int n = store.clearAlarms(clock.instant());
    participationAllowed = true;
    LOG.info("ledger alarm cleared by ops ({} alarms); taking part in rounds again", n);
  }
}
