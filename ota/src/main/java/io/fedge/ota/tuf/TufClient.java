package io.fedge.ota.tuf;

import io.fedge.ota.tuf.Roles.MetaFile;
import io.fedge.ota.tuf.Roles.Role;
import io.fedge.ota.tuf.Roles.Root;
import io.fedge.ota.tuf.Roles.Signed;
import io.fedge.ota.tuf.Roles.Snapshot;
import io.fedge.ota.tuf.Roles.Targets;
import io.fedge.ota.tuf.Roles.Timestamp;
import io.fedge.ota.tuf.TufException.Reason;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The client workflow of The Update Framework (specification section 5), in order: update the root
 * chain one version at a time, then timestamp, snapshot and targets. Each step checks signatures
 * against the trusted root's thresholds, expiry, that versions never go back, and that each file
 * has exactly the length, SHA-256 and version the referring metadata names. A file is saved as
 * trusted only after it passed every check, so a refused update leaves the previous state.
 *
 * <p>The initial root must already be in the trust store (shipped with the appliance): it is the
 * one thing the client trusts without checking.
 */
public final class TufClient {
  public static final String ROOT = "root.json";
  public static final String TIMESTAMP = "timestamp.json";
  public static final String SNAPSHOT = "snapshot.json";
  public static final String TARGETS = "targets.json";
  /** Bound on root rotations followed in one refresh (TUF's max_root_rotations). */
  public static final int MAX_ROOT_ROTATIONS = 32;

  /** What a successful refresh trusts. */
  public record Trusted(Root root, Timestamp timestamp, Snapshot snapshot, Targets targets) {
    public Optional<Roles.TargetFile> target(String name) {
      return Optional.ofNullable(targets.targets().get(name));
    }
  }

  private final TrustStore trust;
  private final MetadataSource remote;
  private final Clock clock;

  public TufClient(TrustStore trust, MetadataSource remote, Clock clock) {
    this.trust = trust;
    this.remote = remote;
    this.clock = clock;
  }

  public Trusted refresh() throws IOException, TufException {
    Instant now = clock.instant();
    Root root = updateRoot(now);
    Timestamp ts = updateTimestamp(root, now);
    Snapshot sn = updateSnapshot(root, ts, now);
    Targets tg = updateTargets(root, sn, now);
    return new Trusted(root, ts, sn, tg);
  }

  /** The trusted root as stored, without fetching anything. */
  public Root trustedRoot() throws IOException, TufException {
    byte[] b = trust.load(ROOT).orElseThrow(() -> new TufException(Reason.MISSING,
        "no trusted root.json: install the release repository's root metadata on this device first"));
    return MetadataCodec.decode(b, Root.class, Roles.ROOT).signed();
  }

  private Root updateRoot(Instant now) throws IOException, TufException {
    Root root = trustedRoot();
    for (int i = 0; i < MAX_ROOT_ROTATIONS; i++) {
      long next = root.version() + 1;
      Optional<byte[]> b = remote.fetch(next + "." + ROOT, MetadataCodec.MAX_ROOT_BYTES);
      if (b.isEmpty()) {
        break;
      }
      Signed<Root> candidate = MetadataCodec.decode(b.get(), Root.class, Roles.ROOT);
      // 5.3.4: signed by a threshold of the trusted root's root keys, and of its own root keys.
      Verifier.requireThreshold(candidate, root, Roles.ROOT);
      Verifier.requireWellFormedRoot(candidate.signed());
      Verifier.requireThreshold(candidate, candidate.signed(), Roles.ROOT);
      if (candidate.signed().version() != next) {
        throw new TufException(Reason.VERSION_MISMATCH,
            "file " + next + ".root.json holds root version " + candidate.signed().version());
      }
      boolean rotated =
          !Objects.equals(root.roles().get(Roles.TIMESTAMP), candidate.signed().roles().get(Roles.TIMESTAMP))
              || !Objects.equals(root.roles().get(Roles.SNAPSHOT), candidate.signed().roles().get(Roles.SNAPSHOT));
      trust.save(ROOT, b.get());
      if (rotated) {
        // 5.3.11: new timestamp/snapshot keys; forget their versions so a fast-forward can be undone.
        trust.delete(TIMESTAMP);
        trust.delete(SNAPSHOT);
      }
      root = candidate.signed();
    }
    Verifier.requireNotExpired(root, now);
    return root;
  }

  private Timestamp updateTimestamp(Root root, Instant now) throws IOException, TufException {
    byte[] b = remote.fetch(TIMESTAMP, MetadataCodec.MAX_TIMESTAMP_BYTES)
        .orElseThrow(() -> new TufException(Reason.MISSING, "the repository has no timestamp.json"));
    Signed<Timestamp> ts = MetadataCodec.decode(b, Timestamp.class, Roles.TIMESTAMP);
    Verifier.requireThreshold(ts, root, Roles.TIMESTAMP);
    MetaFile snap = ref(ts.signed().meta().get(SNAPSHOT), "timestamp", SNAPSHOT);
    Optional<Timestamp> old = trusted(TIMESTAMP, Timestamp.class, Roles.TIMESTAMP);
    if (old.isPresent()) {
      requireNotOlder(ts.signed(), old.get());
      MetaFile oldSnap = old.get().meta().get(SNAPSHOT);
      if (oldSnap != null && snap.version() < oldSnap.version()) {
        throw new TufException(Reason.ROLLBACK, "timestamp names snapshot version " + snap.version()
            + ", older than the trusted " + oldSnap.version());
      }
    }
    Verifier.requireNotExpired(ts.signed(), now);
    trust.save(TIMESTAMP, b);
    return ts.signed();
  }

  private Snapshot updateSnapshot(Root root, Timestamp ts, Instant now) throws IOException, TufException {
    MetaFile ref = ts.meta().get(SNAPSHOT);
    byte[] b = fetchExactly(SNAPSHOT, ref);
    Signed<Snapshot> sn = MetadataCodec.decode(b, Snapshot.class, Roles.SNAPSHOT);
    Verifier.requireThreshold(sn, root, Roles.SNAPSHOT);
    if (sn.signed().version() != ref.version()) {
      throw new TufException(Reason.VERSION_MISMATCH, "timestamp names snapshot version " + ref.version()
          + " but the repository served version " + sn.signed().version());
    }
    MetaFile targets = ref(sn.signed().meta().get(TARGETS), "snapshot", TARGETS);
    Optional<Snapshot> old = trusted(SNAPSHOT, Snapshot.class, Roles.SNAPSHOT);
    if (old.isPresent()) {
      requireNotOlder(sn.signed(), old.get());
      MetaFile oldTargets = old.get().meta().get(TARGETS);
      if (oldTargets != null && targets.version() < oldTargets.version()) {
        throw new TufException(Reason.ROLLBACK, "snapshot names targets version " + targets.version()
            + ", older than the trusted " + oldTargets.version());
      }
    }
    Verifier.requireNotExpired(sn.signed(), now);
    trust.save(SNAPSHOT, b);
    return sn.signed();
  }

  private Targets updateTargets(Root root, Snapshot sn, Instant now) throws IOException, TufException {
    MetaFile ref = sn.meta().get(TARGETS);
    byte[] b = fetchExactly(TARGETS, ref);
    Signed<Targets> tg = MetadataCodec.decode(b, Targets.class, Roles.TARGETS);
    Verifier.requireThreshold(tg, root, Roles.TARGETS);
    if (tg.signed().version() != ref.version()) {
      throw new TufException(Reason.VERSION_MISMATCH, "snapshot names targets version " + ref.version()
          + " but the repository served version " + tg.signed().version());
    }
    Optional<Targets> old = trusted(TARGETS, Targets.class, Roles.TARGETS);
    if (old.isPresent()) {
      requireNotOlder(tg.signed(), old.get());
    }
    for (var e : tg.signed().targets().entrySet()) {
      TargetCheck.requireValidName(e.getKey());
      TargetCheck.requireWellFormed(e.getKey(), e.getValue());
    }
    Verifier.requireNotExpired(tg.signed(), now);
    trust.save(TARGETS, b);
    return tg.signed();
  }

  private byte[] fetchExactly(String name, MetaFile ref) throws IOException, TufException {
    byte[] b = remote.fetch(name, ref.length())
        .orElseThrow(() -> new TufException(Reason.MISSING, "the repository has no " + name));
    if (b.length > ref.length()) {
      throw new TufException(Reason.LENGTH_EXCEEDED, name + " has " + b.length + " bytes, more than the stated " + ref.length());
    }
    if (b.length < ref.length()) {
      throw new TufException(Reason.LENGTH_SHORT, name + " has " + b.length + " bytes, fewer than the stated " + ref.length());
    }
    String got = HexFormat.of().formatHex(Ed25519.sha256(b));
    if (!got.equals(ref.sha256())) {
      throw new TufException(Reason.HASH_MISMATCH, name + " does not have the SHA-256 its referring metadata states");
    }
    return b;
  }

  private static MetaFile ref(MetaFile f, String in, String name) throws TufException {
    if (f == null || f.sha256() == null || f.length() < 1 || f.version() < 1) {
      throw new TufException(Reason.MALFORMED, in + " metadata must name " + name + " with version, length and sha256");
    }
    return f;
  }

  private static void requireNotOlder(Role fresh, Role trusted) throws TufException {
    if (fresh.version() < trusted.version()) {
      throw new TufException(Reason.ROLLBACK, fresh.type() + " version " + fresh.version()
          + " is older than the trusted version " + trusted.version());
    }
  }

  private <T extends Role> Optional<T> trusted(String name, Class<T> type, String role) throws IOException {
    Optional<byte[]> b = trust.load(name);
    if (b.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MetadataCodec.decode(b.get(), type, role).signed());
    } catch (TufException e) {
      throw new IOException("trusted " + name + " is damaged: " + e.getMessage(), e);
    }
  }
}
