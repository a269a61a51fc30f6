package io.fedge.hub.ota;

import io.fedge.ota.tuf.MemoryTrustStore;
import io.fedge.ota.tuf.MetadataCodec;
import io.fedge.ota.tuf.MetadataSource;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.Roles;
import io.fedge.ota.tuf.TargetCheck;
import io.fedge.ota.tuf.TufClient;
import io.fedge.ota.tuf.TufException;
import io.fedge.ota.tuf.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The hub's side of releases. The hub holds no signing key: it accepts a metadata set only if it
 * verifies, as a TUF client would, against the root chain the hub already trusts (the first root
 * is trusted on first publish by the ops token), and only if every listed target was uploaded with
 * the signed length and hash. Then it serves exactly those bytes to devices, which verify again.
 */
public final class ReleaseService {
  /** What an operator publishes: every root version, and the current targets, snapshot, timestamp. */
  public record Publish(List<String> roots, String targets, String snapshot, String timestamp) {}

  public record Published(long targetsVersion, List<String> newTargets) {}

  private static final Set<String> TRUSTED = Set.of(TufClient.ROOT, TufClient.TIMESTAMP, TufClient.SNAPSHOT, TufClient.TARGETS);

  private final OtaStore store;
  private final Path targetsDir;
  private final long maxTargetBytes;
  private final Clock clock;
  private final OtaListener listener;

  public ReleaseService(OtaStore store, Path targetsDir, long maxTargetBytes, Clock clock, OtaListener listener) {
    this.store = store;
    this.targetsDir = targetsDir;
    this.maxTargetBytes = maxTargetBytes;
    this.clock = clock;
    this.listener = listener;
  }

  public Path targetFile(String name) throws TufException {
    TargetCheck.requireValidName(name);
    return targetsDir.resolve(name);
  }

  /**
   * Stores an uploaded target (streamed); true if new, false if the identical file was already
   * there. A different file under an existing name is refused: releases are immutable.
   */
  public boolean storeTarget(String name, InputStream body) throws IOException, TufException {
    Path dest = targetFile(name);
    Files.createDirectories(targetsDir);
    Path tmp = targetsDir.resolve(".upload-" + UUID.randomUUID());
    try {
      try (InputStream in = body; var out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[65536];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
          if (total > maxTargetBytes) {
            throw new TufException(TufException.Reason.LENGTH_EXCEEDED, "target is larger than ota.max.target.bytes ("
                + maxTargetBytes + ")");
          }
          out.write(buf, 0, n);
        }
      }
      if (Files.exists(dest)) {
        if (ReleaseRepository.sha256(dest).equals(ReleaseRepository.sha256(tmp))) {
          return false;
        }
        throw new IllegalStateException("target " + name + " exists with other content; releases are immutable");
      }
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Verifies and commits a metadata set; throws TufException (refused) or IllegalStateException (missing target). */
  public synchronized Published publish(Publish p) throws IOException, TufException {
    if (p.roots() == null || p.roots().isEmpty() || p.targets() == null || p.snapshot() == null || p.timestamp() == null) {
      throw new TufException(TufException.Reason.MALFORMED, "a publish needs roots (every N.root.json), targets, snapshot and timestamp");
    }
    Map<String, byte[]> current = store.metadata();
    Map<String, byte[]> offered = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    byte[] firstRoot = null;
    for (String r : p.roots()) {
      byte[] b = r.getBytes(StandardCharsets.UTF_8);
      Roles.Root root = MetadataCodec.decode(b, Roles.Root.class, Roles.ROOT).signed();
      offered.put(root.version() + ".root.json", b);
      versions.put(root.version() + ".root.json", root.version());
      if (root.version() == 1) {
        firstRoot = b;
      }
    }
    Map<String, byte[]> seed = new LinkedHashMap<>();
    current.forEach((k, v) -> {
      if (TRUSTED.contains(k)) {
        seed.put(k, v);
      }
    });
    Map<String, byte[]> extra = new LinkedHashMap<>();
    if (!seed.containsKey(TufClient.ROOT)) {
      if (firstRoot == null) {
        throw new TufException(TufException.Reason.MISSING, "the hub trusts no root yet: include 1.root.json");
      }
      var signed = MetadataCodec.decode(firstRoot, Roles.Root.class, Roles.ROOT);
      Verifier.requireWellFormedRoot(signed.signed());
      Verifier.requireThreshold(signed, signed.signed(), Roles.ROOT);
      seed.put(TufClient.ROOT, firstRoot);
      extra.put(TufClient.ROOT, firstRoot);
      extra.put("1.root.json", firstRoot);
    }
    offered.put(TufClient.TIMESTAMP, p.timestamp().getBytes(StandardCharsets.UTF_8));
    offered.put(TufClient.SNAPSHOT, p.snapshot().getBytes(StandardCharsets.UTF_8));
    offered.put(TufClient.TARGETS, p.targets().getBytes(StandardCharsets.UTF_8));
    MemoryTrustStore staging = new MemoryTrustStore(seed);
    MetadataSource source = (name, max) -> {
      byte[] b = offered.get(name);
      if (b != null && b.length > max) {
        throw new TufException(TufException.Reason.LENGTH_EXCEEDED, name + " is longer than " + max + " bytes");
      }
      return Optional.ofNullable(b);
    };
    TufClient.Trusted t = new TufClient(staging, source, clock).refresh();
    List<OtaStore.Release> fresh = new ArrayList<>();
    Instant now = clock.instant();
    Set<String> known = new java.util.HashSet<>();
    store.releases().forEach(r -> known.add(r.target()));
    for (var e : t.targets().targets().entrySet()) {
      Path f = targetFile(e.getKey());
      if (!Files.isRegularFile(f)) {
        throw new IllegalStateException("target " + e.getKey() + " is signed but not uploaded; PUT /api/v1/ota/targets/"
            + e.getKey() + " first");
      }
      TargetCheck.verify(f, e.getValue());
      if (!known.contains(e.getKey())) {
        String v = e.getValue().custom().getOrDefault("version", e.getKey());
        fresh.add(new OtaStore.Release(e.getKey(), v, e.getValue().length(), e.getValue().sha256(), now));
      }
    }
    Map<String, byte[]> changes = new LinkedHashMap<>(extra);
    changes.putAll(staging.changes());
    // Devices walk the root chain file by file: serve every root version this publish made trusted.
    long trustedRoot = t.root().version();
    offered.forEach((name, b) -> {
      if (name.endsWith(".root.json") && versions.get(name) <= trustedRoot && !current.containsKey(name)) {
        changes.put(name, b);
      }
    });
    versions.put(TufClient.ROOT, trustedRoot);
    versions.put(TufClient.TIMESTAMP, t.timestamp().version());
    versions.put(TufClient.SNAPSHOT, t.snapshot().version());
    versions.put(TufClient.TARGETS, t.targets().version());
    store.commitPublish(changes, versions, fresh, now);
    for (OtaStore.Release r : fresh) {
      try {
        listener.releasePublished(new OtaListener.ReleasePublished(r.target(), r.version(), r.length(), r.sha256(),
            t.targets().version(), now));
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(ReleaseService.class).warn("release listener failed: {}", e.toString());
      }
    }
    return new Published(t.targets().version(), fresh.stream().map(OtaStore.Release::target).toList());
  }
}
