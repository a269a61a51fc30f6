package io.fedge.ota.tuf;

import io.fedge.ota.slots.AtomicFiles;
import io.fedge.ota.tuf.Roles.MetaFile;
import io.fedge.ota.tuf.Roles.Role;
import io.fedge.ota.tuf.Roles.RoleKeys;
import io.fedge.ota.tuf.Roles.Root;
import io.fedge.ota.tuf.Roles.Signed;
import io.fedge.ota.tuf.Roles.Snapshot;
import io.fedge.ota.tuf.Roles.TargetFile;
import io.fedge.ota.tuf.Roles.Targets;
import io.fedge.ota.tuf.Roles.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The release operator's repository, on the operator's machine (the signing keys never go to the
 * hub): {@code metadata/} holds {@code N.root.json} for every root version plus the current
 * {@code root.json}, {@code targets.json}, {@code snapshot.json}, {@code timestamp.json};
 * {@code targets/} holds the bundles. Every change bumps the versions it touches.
 */
public final class ReleaseRepository {
  /** How long each role's metadata stays valid after signing. */
  public record Expiries(Duration root, Duration targets, Duration snapshot, Duration timestamp) {
    public static Expiries defaults() {
      return new Expiries(Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(30), Duration.ofDays(7));
    }
  }

  private final Path dir;
  private final Clock clock;
  private final Expiries expiries;

  public ReleaseRepository(Path dir, Clock clock, Expiries expiries) {
    this.dir = dir;
    this.clock = clock;
    this.expiries = expiries;
  }

  public Path metadataDir() {
    return dir.resolve("metadata");
  }

  public Path targetsDir() {
    return dir.resolve("targets");
  }

  /**
   * A new repository: root version 1 listing the given keys, with empty targets, snapshot and
   * timestamp, all signed.
   */
  public void init(List<SigningKey> rootKeys, int rootThreshold, SigningKey targets, SigningKey snapshot,
      SigningKey timestamp) throws IOException {
    if (Files.exists(metadataDir().resolve("root.json"))) {
      throw new IOException(dir + " already holds a release repository");
    }
    Files.createDirectories(targetsDir());
    Root root = root(1, rootKeys, rootThreshold, List.of(targets), List.of(snapshot), List.of(timestamp));
    writeRoot(MetadataCodec.sign(root, rootKeys));
    Targets tg = new Targets(Roles.TARGETS, Roles.SPEC_VERSION, 1, expiry(expiries.targets()), Map.of());
    publishChain(tg, List.of(targets), 1, List.of(snapshot), 1, List.of(timestamp));
  }

  /** Copies a target file into the repository and signs new targets, snapshot and timestamp. */
  public TargetFile addTarget(Path file, String name, Map<String, String> custom, List<SigningKey> keys)
      throws IOException, TufException {
    TargetCheck.requireValidName(name);
    Targets current = read("targets.json", Targets.class, Roles.TARGETS);
    if (current.targets().containsKey(name)) {
      throw new IOException("target " + name + " already exists; releases are immutable, use a new name");
    }
    Path dest = targetsDir().resolve(name);
    Files.createDirectories(targetsDir());
    Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
    TargetFile tf = new TargetFile(Files.size(dest), Map.of("sha256", sha256(dest)), new TreeMap<>(custom));
    Map<String, TargetFile> all = new TreeMap<>(current.targets());
    all.put(name, tf);
    resign(new Targets(Roles.TARGETS, Roles.SPEC_VERSION, current.version() + 1, expiry(expiries.targets()), all), keys);
    return tf;
  }

  /** Re-signs the current targets (new version, fresh expiry), snapshot and timestamp. */
  public void resign(List<SigningKey> keys) throws IOException, TufException {
    Targets current = read("targets.json", Targets.class, Roles.TARGETS);
    resign(new Targets(Roles.TARGETS, Roles.SPEC_VERSION, current.version() + 1, expiry(expiries.targets()),
        current.targets()), keys);
  }

  /** Only a fresh timestamp (the role that is re-signed most often). */
  public void refreshTimestamp(List<SigningKey> keys) throws IOException, TufException {
    Root root = read("root.json", Root.class, Roles.ROOT);
    Timestamp old = read("timestamp.json", Timestamp.class, Roles.TIMESTAMP);
    Timestamp ts = new Timestamp(Roles.TIMESTAMP, Roles.SPEC_VERSION, old.version() + 1, expiry(expiries.timestamp()),
        old.meta());
    write("timestamp.json", MetadataCodec.encode(MetadataCodec.sign(ts, keysFor(root, Roles.TIMESTAMP, keys))));
  }

  /**
   * Root key rotation: a new root version listing {@code newRootKeys} (and the given role keys),
   * signed by a threshold of the old root keys and of the new ones, so clients holding the old root
   * can follow the chain and the old keys are worthless afterwards.
   */
  public Root rotateRoot(List<SigningKey> oldRootKeys, List<SigningKey> newRootKeys, int newThreshold,
      SigningKey targets, SigningKey snapshot, SigningKey timestamp) throws IOException, TufException {
    Root old = read("root.json", Root.class, Roles.ROOT);
    Root fresh = root(old.version() + 1, newRootKeys, newThreshold, List.of(targets), List.of(snapshot), List.of(timestamp));
    List<SigningKey> signers = new ArrayList<>(keysFor(old, Roles.ROOT, oldRootKeys));
    for (SigningKey k : newRootKeys) {
      if (signers.stream().noneMatch(s -> s.keyId().equals(k.keyId()))) {
        signers.add(k);
      }
    }
    writeRoot(MetadataCodec.sign(fresh, signers));
    resign(List.of(targets, snapshot, timestamp));
    return fresh;
  }

  private void resign(Targets tg, List<SigningKey> keys) throws IOException, TufException {
    Root root = read("root.json", Root.class, Roles.ROOT);
    Snapshot oldSn = read("snapshot.json", Snapshot.class, Roles.SNAPSHOT);
    Timestamp oldTs = read("timestamp.json", Timestamp.class, Roles.TIMESTAMP);
    publishChain(tg, keysFor(root, Roles.TARGETS, keys), oldSn.version() + 1, keysFor(root, Roles.SNAPSHOT, keys),
        oldTs.version() + 1, keysFor(root, Roles.TIMESTAMP, keys));
  }

  private void publishChain(Targets tg, List<SigningKey> tk, long snVersion, List<SigningKey> sk, long tsVersion,
      List<SigningKey> tsk) throws IOException {
    byte[] targetsBytes = MetadataCodec.encode(MetadataCodec.sign(tg, tk));
    Snapshot sn = new Snapshot(Roles.SNAPSHOT, Roles.SPEC_VERSION, snVersion, expiry(expiries.snapshot()),
        Map.of(TufClient.TARGETS, metaFile(tg, targetsBytes)));
    byte[] snapshotBytes = MetadataCodec.encode(MetadataCodec.sign(sn, sk));
    Timestamp ts = new Timestamp(Roles.TIMESTAMP, Roles.SPEC_VERSION, tsVersion, expiry(expiries.timestamp()),
        Map.of(TufClient.SNAPSHOT, metaFile(sn, snapshotBytes)));
    byte[] tsBytes = MetadataCodec.encode(MetadataCodec.sign(ts, tsk));
    // Written bottom-up, so a reader never sees a timestamp naming a snapshot that is not there yet.
    write("targets.json", targetsBytes);
    write("snapshot.json", snapshotBytes);
    write("timestamp.json", tsBytes);
  }

  private void writeRoot(Signed<Root> root) throws IOException {
    byte[] b = MetadataCodec.encode(root);
    write(root.signed().version() + ".root.json", b);
    write("root.json", b);
  }

  private Root root(long version, List<SigningKey> rootKeys, int threshold, List<SigningKey> targets,
      List<SigningKey> snapshot, List<SigningKey> timestamp) {
    Map<String, Roles.Key> keys = new TreeMap<>();
    Map<String, RoleKeys> roles = new LinkedHashMap<>();
    roles.put(Roles.ROOT, roleKeys(rootKeys, threshold, keys));
    roles.put(Roles.TARGETS, roleKeys(targets, 1, keys));
    roles.put(Roles.SNAPSHOT, roleKeys(snapshot, 1, keys));
    roles.put(Roles.TIMESTAMP, roleKeys(timestamp, 1, keys));
    return new Root(Roles.ROOT, Roles.SPEC_VERSION, version, expiry(expiries.root()), keys, roles);
  }

  private static RoleKeys roleKeys(List<SigningKey> ks, int threshold, Map<String, Roles.Key> keys) {
    if (threshold < 1 || threshold > ks.size()) {
      throw new IllegalArgumentException("threshold must be between 1 and the number of keys (" + ks.size() + ")");
    }
    List<String> ids = new ArrayList<>();
    for (SigningKey k : ks) {
      keys.put(k.keyId(), k.publicKey());
      ids.add(k.keyId());
    }
    return new RoleKeys(List.copyOf(ids), threshold);
  }

  /** The given keys that the root lists for {@code role}; refuses fewer than the threshold. */
  public static List<SigningKey> keysFor(Root root, String role, List<SigningKey> keys) throws TufException {
    RoleKeys rk = root.roles().get(role);
    List<SigningKey> out = keys.stream().filter(k -> rk.keyids().contains(k.keyId())).distinct().toList();
    if (out.size() < rk.threshold()) {
      throw new TufException(TufException.Reason.SIGNATURES, "signing " + role + " needs " + rk.threshold()
          + " of its keys; " + out.size() + " of the given key files belong to it");
    }
    return out;
  }

  private static MetaFile metaFile(Role role, byte[] bytes) {
    return new MetaFile(role.version(), bytes.length, Map.of("sha256", HexFormat.of().formatHex(Ed25519.sha256(bytes))));
  }

  public <T extends Role> T read(String name, Class<T> type, String role) throws IOException, TufException {
    return MetadataCodec.decode(Files.readAllBytes(metadataDir().resolve(name)), type, role).signed();
  }

  private void write(String name, byte[] bytes) throws IOException {
    AtomicFiles.write(metadataDir().resolve(name), bytes);
  }

  private String expiry(Duration d) {
    return clock.instant().plus(d).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest md = TargetCheck.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
