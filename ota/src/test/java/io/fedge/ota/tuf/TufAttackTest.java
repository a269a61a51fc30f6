package io.fedge.ota.tuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.ota.tuf.Roles.Root;
import io.fedge.ota.tuf.Roles.Targets;
import io.fedge.ota.tuf.TufException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attack class of The Update Framework's threat model (specification section 1.5.2), tried
 * against {@link TufClient} and refused, with the client's trusted state left as it was.
 */
class TufAttackTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir Path tmp;
  Path repoDir;
  Path mirror; // what the (possibly malicious) server serves
  Path trustDir;
  ReleaseRepository repo;
  List<SigningKey> rootKeys;
  SigningKey targetsKey;
  SigningKey snapshotKey;
  SigningKey timestampKey;
  List<SigningKey> all;

  @BeforeEach
  void setUp() throws Exception {
    repoDir = tmp.resolve("repo");
    mirror = tmp.resolve("mirror");
    trustDir = tmp.resolve("trust");
    repo = new ReleaseRepository(repoDir, Clock.fixed(T0, ZoneOffset.UTC), ReleaseRepository.Expiries.defaults());
    rootKeys = List.of(SigningKey.generate("root"), SigningKey.generate("root"), SigningKey.generate("root"));
    targetsKey = SigningKey.generate("targets");
    snapshotKey = SigningKey.generate("snapshot");
    timestampKey = SigningKey.generate("timestamp");
    all = List.of(targetsKey, snapshotKey, timestampKey);
    repo.init(rootKeys, 2, targetsKey, snapshotKey, timestampKey);
    Files.createDirectories(trustDir);
    Files.copy(repoDir.resolve("metadata/1.root.json"), trustDir.resolve("root.json"));
    addBundle("agent-1.0.0.bundle", "v1 bundle", "1.0.0");
    publish();
  }

  private Roles.TargetFile addBundle(String name, String content, String version) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    return repo.addTarget(f, name, Map.of("version", version), all);
  }

  private void publish() throws IOException {
    copyTree(repoDir.resolve("metadata"), mirror);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private TufClient client(Instant now) {
    return new TufClient(new DirectoryTrustStore(trustDir), new DirectoryMetadataSource(mirror),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private TufClient client() {
    return client(T0.plusSeconds(60));
  }

  private long trustedTargetsVersion() throws Exception {
    return MetadataCodec.decode(Files.readAllBytes(trustDir.resolve("targets.json")), Targets.class, Roles.TARGETS)
        .signed().version();
  }

  @Test
  void honestRepositoryIsFollowedAndItsTargetVerifies() throws Exception {
    TufClient.Trusted t = client().refresh();
    Roles.TargetFile tf = t.target("agent-1.0.0.bundle").orElseThrow();
    assertThat(tf.custom()).containsEntry("version", "1.0.0");
    TargetCheck.verify(repoDir.resolve("targets/agent-1.0.0.bundle"), tf);
    addBundle("agent-2.0.0.bundle", "v2 bundle", "2.0.0");
    publish();
    assertThat(client().refresh().target("agent-2.0.0.bundle")).isPresent();
  }

  // 1.5.2 rollback attack: the server replays an older, validly signed metadata set.
  @Test
  void rollbackToOlderMetadataIsRefused() throws Exception {
    Path old = tmp.resolve("old");
    copyTree(mirror, old);
    addBundle("agent-2.0.0.bundle", "v2 bundle", "2.0.0");
    publish();
    client().refresh();
    long trusted = trustedTargetsVersion();
    copyTree(old, mirror);
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.ROLLBACK));
    assertThat(trustedTargetsVersion()).isEqualTo(trusted);
  }

  // Rollback of a single role: a fresh timestamp naming an older snapshot.
  @Test
  void freshTimestampNamingAnOlderSnapshotIsRefused() throws Exception {
    client().refresh();
    byte[] oldSnapshot = Files.readAllBytes(mirror.resolve("snapshot.json"));
    byte[] oldTargets = Files.readAllBytes(mirror.resolve("targets.json"));
    addBundle("agent-2.0.0.bundle", "v2 bundle", "2.0.0");
    publish();
    client().refresh();
    // The attacker holds the timestamp key only: it re-signs a timestamp pointing at the old snapshot.
    Roles.Snapshot sn = MetadataCodec.decode(oldSnapshot, Roles.Snapshot.class, Roles.SNAPSHOT).signed();
    Roles.Timestamp cur = repo.read("timestamp.json", Roles.Timestamp.class, Roles.TIMESTAMP);
    Roles.Timestamp forged = new Roles.Timestamp(Roles.TIMESTAMP, Roles.SPEC_VERSION, cur.version() + 1, cur.expires(),
        Map.of("snapshot.json", new Roles.MetaFile(sn.version(), oldSnapshot.length,
            Map.of("sha256", java.util.HexFormat.of().formatHex(Ed25519.sha256(oldSnapshot))))));
    Files.write(mirror.resolve("timestamp.json"), MetadataCodec.encode(MetadataCodec.sign(forged, List.of(timestampKey))));
    Files.write(mirror.resolve("snapshot.json"), oldSnapshot);
    Files.write(mirror.resolve("targets.json"), oldTargets);
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.ROLLBACK));
  }

  // 1.5.2 freeze attack: the server keeps serving the last metadata after it expired.
  @Test
  void expiredTimestampIsRefusedAsAFreeze() throws Exception {
    client().refresh();
    Instant afterExpiry = T0.plus(Duration.ofDays(7)).plusSeconds(1);
    assertThatThrownBy(() -> client(afterExpiry).refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
  }

  @Test
  void expiredTargetsAreRefusedEvenWithAFreshTimestamp() throws Exception {
    Instant later = T0.plus(Duration.ofDays(91));
    ReleaseRepository laterRepo = new ReleaseRepository(repoDir, Clock.fixed(T0.plus(Duration.ofDays(60)), ZoneOffset.UTC),
        ReleaseRepository.Expiries.defaults());
    laterRepo.refreshTimestamp(all);
    // The timestamp is re-signed on day 88 (valid to day 95); targets signed on day 0 expire on day 90.
    ReleaseRepository lateRepo = new ReleaseRepository(repoDir, Clock.fixed(T0.plus(Duration.ofDays(88)), ZoneOffset.UTC),
        new ReleaseRepository.Expiries(Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(30), Duration.ofDays(7)));
    lateRepo.refreshTimestamp(all);
    publish();
    assertThatThrownBy(() -> client(later).refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
  }

  // 1.5.2 mix-and-match: current timestamp and snapshot served with an older targets file.
  @Test
  void olderTargetsWithCurrentSnapshotIsRefused() throws Exception {
    byte[] oldTargets = Files.readAllBytes(mirror.resolve("targets.json"));
    addBundle("agent-2.0.0.bundle", "v2 bundle", "2.0.0");
    publish();
    Files.write(mirror.resolve("targets.json"), oldTargets);
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isIn(Reason.HASH_MISMATCH, Reason.LENGTH_SHORT, Reason.LENGTH_EXCEEDED));
    assertThat(Files.exists(trustDir.resolve("targets.json"))).isFalse();
  }

  // Mix-and-match where the attacker also holds the snapshot key: the version check catches it.
  @Test
  void snapshotNamingAnotherTargetsVersionThanServedIsRefused() throws Exception {
    byte[] oldTargets = Files.readAllBytes(mirror.resolve("targets.json"));
    Targets old = MetadataCodec.decode(oldTargets, Targets.class, Roles.TARGETS).signed();
    Roles.Snapshot cur = repo.read("snapshot.json", Roles.Snapshot.class, Roles.SNAPSHOT);
    Roles.Snapshot forged = new Roles.Snapshot(Roles.SNAPSHOT, Roles.SPEC_VERSION, cur.version() + 1, cur.expires(),
        Map.of("targets.json", new Roles.MetaFile(old.version() + 5, oldTargets.length,
            Map.of("sha256", java.util.HexFormat.of().formatHex(Ed25519.sha256(oldTargets))))));
    byte[] snap = MetadataCodec.encode(MetadataCodec.sign(forged, List.of(snapshotKey)));
    Roles.Timestamp ts = new Roles.Timestamp(Roles.TIMESTAMP, Roles.SPEC_VERSION, 99, cur.expires(),
        Map.of("snapshot.json", new Roles.MetaFile(forged.version(), snap.length,
            Map.of("sha256", java.util.HexFormat.of().formatHex(Ed25519.sha256(snap))))));
    Files.write(mirror.resolve("snapshot.json"), snap);
    Files.write(mirror.resolve("timestamp.json"), MetadataCodec.encode(MetadataCodec.sign(ts, List.of(timestampKey))));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.VERSION_MISMATCH));
  }

  // 1.5.2 arbitrary software installation: a target with other content, same or other length.
  @Test
  void targetWithAnotherHashOrLengthIsRefused() throws Exception {
    Roles.TargetFile tf = client().refresh().target("agent-1.0.0.bundle").orElseThrow();
    Path sameLength = tmp.resolve("evil-same");
    Files.writeString(sameLength, "v1 bundlX");
    assertThatThrownBy(() -> TargetCheck.verify(sameLength, tf)).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.HASH_MISMATCH));
    Path shorter = tmp.resolve("evil-short");
    Files.writeString(shorter, "v1");
    assertThatThrownBy(() -> TargetCheck.verify(shorter, tf)).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_SHORT));
  }

  @Test
  void unlistedTargetIsNotInTheTrustedSet() throws Exception {
    assertThat(client().refresh().target("evil.bundle")).isEmpty();
  }

  // 1.5.2 endless data: a metadata file that never ends, and a target longer than stated.
  @Test
  void endlessMetadataIsCutAtItsLimit() {
    MetadataSource endless = (name, max) -> {
      if (!name.equals("timestamp.json")) {
        return Optional.empty();
      }
      InputStream forever = new InputStream() {
        @Override
        public int read() {
          return ' ';
        }
      };
      return Optional.of(MetadataSource.readAtMost(forever, max, name));
    };
    TufClient c = new TufClient(new DirectoryTrustStore(trustDir), endless, Clock.fixed(T0, ZoneOffset.UTC));
    assertThatThrownBy(c::refresh).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_EXCEEDED));
  }

  @Test
  void targetLongerThanStatedIsRefused() throws Exception {
    Roles.TargetFile tf = client().refresh().target("agent-1.0.0.bundle").orElseThrow();
    Path longer = tmp.resolve("evil-long");
    Files.writeString(longer, "v1 bundle and then some more");
    assertThatThrownBy(() -> TargetCheck.verify(longer, tf)).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_EXCEEDED));
  }

  @Test
  void snapshotLongerThanTimestampStatesIsRefused() throws Exception {
    byte[] sn = Files.readAllBytes(mirror.resolve("snapshot.json"));
    byte[] padded = new byte[sn.length + 100_000];
    System.arraycopy(sn, 0, padded, 0, sn.length);
    java.util.Arrays.fill(padded, sn.length, padded.length, (byte) ' ');
    Files.write(mirror.resolve("snapshot.json"), padded);
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_EXCEEDED));
  }

  // Wrong key: targets signed by a key the root does not list for targets (say, the snapshot key).
  @Test
  void targetsSignedByTheWrongKeyAreRefused() throws Exception {
    Targets cur = repo.read("targets.json", Targets.class, Roles.TARGETS);
    Targets evil = new Targets(Roles.TARGETS, Roles.SPEC_VERSION, cur.version() + 1, cur.expires(),
        Map.of("evil.bundle", new Roles.TargetFile(4, Map.of("sha256", "00".repeat(32)), Map.of("version", "6.6.6"))));
    forgeChainAround(MetadataCodec.encode(MetadataCodec.sign(evil, List.of(snapshotKey))));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
  }

  @Test
  void alteredSignedContentBreaksTheSignature() throws Exception {
    String t = Files.readString(mirror.resolve("targets.json"));
    Targets cur = MetadataCodec.decode(t.getBytes(StandardCharsets.UTF_8), Targets.class, Roles.TARGETS).signed();
    byte[] tampered = t.replace("\"version\":\"1.0.0\"", "\"version\":\"9.9.9\"").getBytes(StandardCharsets.UTF_8);
    assertThat(new String(tampered, StandardCharsets.UTF_8)).isNotEqualTo(t);
    assertThat(cur.version()).isPositive();
    forgeChainAround(tampered);
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
  }

  // Too few signatures: the root threshold is 2; one root key alone cannot make a new root.
  @Test
  void newRootWithOneSignatureBelowThresholdIsRefused() throws Exception {
    Root cur = repo.read("root.json", Root.class, Roles.ROOT);
    Root next = new Root(Roles.ROOT, Roles.SPEC_VERSION, 2, cur.expires(), cur.keys(), cur.roles());
    Files.write(mirror.resolve("2.root.json"), MetadataCodec.encode(MetadataCodec.sign(next, List.of(rootKeys.get(0)))));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
    assertThat(client().trustedRoot().version()).isEqualTo(1);
  }

  @Test
  void duplicateSignaturesByOneKeyCountOnce() throws Exception {
    Root cur = repo.read("root.json", Root.class, Roles.ROOT);
    Root next = new Root(Roles.ROOT, Roles.SPEC_VERSION, 2, cur.expires(), cur.keys(), cur.roles());
    Files.write(mirror.resolve("2.root.json"),
        MetadataCodec.encode(MetadataCodec.sign(next, List.of(rootKeys.get(0), rootKeys.get(0)))));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
  }

  // Root rotation, then the old root keys are compromised: they can no longer sign anything.
  @Test
  void rotatedRootIsFollowedAndOldRootKeysAreWorthlessAfterwards() throws Exception {
    client().refresh();
    List<SigningKey> newRoot = List.of(SigningKey.generate("root"), SigningKey.generate("root"));
    SigningKey newTargets = SigningKey.generate("targets");
    repo.rotateRoot(rootKeys, newRoot, 2, newTargets, snapshotKey, timestampKey);
    publish();
    TufClient.Trusted t = client().refresh();
    assertThat(t.root().version()).isEqualTo(2);
    assertThat(t.root().roles().get(Roles.TARGETS).keyids()).containsExactly(newTargets.keyId());

    // The attacker holds all three old root keys and the old targets key.
    Root cur = t.root();
    Map<String, Roles.Key> keys = new java.util.TreeMap<>(cur.keys());
    rootKeys.forEach(k -> keys.put(k.keyId(), k.publicKey()));
    keys.put(targetsKey.keyId(), targetsKey.publicKey());
    Map<String, Roles.RoleKeys> roles = new java.util.LinkedHashMap<>(cur.roles());
    roles.put(Roles.ROOT, new Roles.RoleKeys(rootKeys.stream().map(SigningKey::keyId).toList(), 1));
    roles.put(Roles.TARGETS, new Roles.RoleKeys(List.of(targetsKey.keyId()), 1));
    Root evil = new Root(Roles.ROOT, Roles.SPEC_VERSION, 3, cur.expires(), keys, roles);
    Files.write(mirror.resolve("3.root.json"), MetadataCodec.encode(MetadataCodec.sign(evil, rootKeys)));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
    assertThat(client().trustedRoot().version()).isEqualTo(2);

    // And targets signed by the old targets key are refused under root 2.
    Files.delete(mirror.resolve("3.root.json"));
    Targets tg = repo.read("targets.json", Targets.class, Roles.TARGETS);
    Targets evilTargets = new Targets(Roles.TARGETS, Roles.SPEC_VERSION, tg.version() + 1, tg.expires(), Map.of());
    forgeChainAround(MetadataCodec.encode(MetadataCodec.sign(evilTargets, List.of(targetsKey))));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
  }

  @Test
  void newRootSignedOnlyByTheOldKeysIsRefused() throws Exception {
    List<SigningKey> newRoot = List.of(SigningKey.generate("root"), SigningKey.generate("root"));
    Root cur = repo.read("root.json", Root.class, Roles.ROOT);
    Map<String, Roles.Key> keys = new java.util.TreeMap<>(cur.keys());
    newRoot.forEach(k -> keys.put(k.keyId(), k.publicKey()));
    Map<String, Roles.RoleKeys> roles = new java.util.LinkedHashMap<>(cur.roles());
    roles.put(Roles.ROOT, new Roles.RoleKeys(newRoot.stream().map(SigningKey::keyId).toList(), 2));
    Root next = new Root(Roles.ROOT, Roles.SPEC_VERSION, 2, cur.expires(), keys, roles);
    Files.write(mirror.resolve("2.root.json"), MetadataCodec.encode(MetadataCodec.sign(next, rootKeys)));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURES));
  }

  @Test
  void rootFileHoldingAnotherVersionIsRefused() throws Exception {
    Root cur = repo.read("root.json", Root.class, Roles.ROOT);
    Root next = new Root(Roles.ROOT, Roles.SPEC_VERSION, 5, cur.expires(), cur.keys(), cur.roles());
    Files.write(mirror.resolve("2.root.json"), MetadataCodec.encode(MetadataCodec.sign(next, rootKeys)));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.VERSION_MISMATCH));
  }

  @Test
  void unknownMembersInSignedMetadataAreRefused() throws Exception {
    String t = Files.readString(mirror.resolve("timestamp.json"));
    Files.writeString(mirror.resolve("timestamp.json"), t.replace("\"signed\":{", "\"signed\":{\"extra\":1,"));
    assertThatThrownBy(() -> client().refresh()).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  /** Serves {@code targetsBytes} with a snapshot and timestamp honestly signed around it. */
  private void forgeChainAround(byte[] targetsBytes) throws Exception {
    Targets tg = MetadataCodec.decode(targetsBytes, Targets.class, Roles.TARGETS).signed();
    Roles.Snapshot cur = repo.read("snapshot.json", Roles.Snapshot.class, Roles.SNAPSHOT);
    Roles.Snapshot sn = new Roles.Snapshot(Roles.SNAPSHOT, Roles.SPEC_VERSION, cur.version() + 1, cur.expires(),
        Map.of("targets.json", new Roles.MetaFile(tg.version(), targetsBytes.length,
            Map.of("sha256", java.util.HexFormat.of().formatHex(Ed25519.sha256(targetsBytes))))));
    byte[] snap = MetadataCodec.encode(MetadataCodec.sign(sn, List.of(snapshotKey)));
    Roles.Timestamp old = repo.read("timestamp.json", Roles.Timestamp.class, Roles.TIMESTAMP);
    Roles.Timestamp ts = new Roles.Timestamp(Roles.TIMESTAMP, Roles.SPEC_VERSION, old.version() + 1, old.expires(),
        Map.of("snapshot.json", new Roles.MetaFile(sn.version(), snap.length,
            Map.of("sha256", java.util.HexFormat.of().formatHex(Ed25519.sha256(snap))))));
    Files.write(mirror.resolve("targets.json"), targetsBytes);
    Files.write(mirror.resolve("snapshot.json"), snap);
    Files.write(mirror.resolve("timestamp.json"), MetadataCodec.encode(MetadataCodec.sign(ts, List.of(timestampKey))));
  }
}
