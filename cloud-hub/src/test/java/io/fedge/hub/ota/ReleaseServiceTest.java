package io.fedge.hub.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.ota.tuf.ReleaseRepository;
import io.fedge.ota.tuf.SigningKey;
import io.fedge.ota.tuf.TufException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub accepts only metadata that verifies against the root chain it trusts, with every target uploaded. */
class ReleaseServiceTest {
  @TempDir Path tmp;
  Database db;
  OtaStore store;
  ReleaseService service;
  List<OtaListener.ReleasePublished> published = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = Database.open("jdbc:sqlite::memory:");
    Migrations.migrateToLatest(db);
    store = new OtaStore(db);
    service = new ReleaseService(store, tmp.resolve("hub-targets"), 1 << 20, Clock.systemUTC(), new OtaListener() {
      @Override
      public void releasePublished(ReleasePublished r) {
        published.add(r);
      }
    });
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  record Repo(ReleaseRepository repo, Path dir, List<SigningKey> keys) {}

  Repo repo(String name) throws Exception {
    Path dir = tmp.resolve(name);
    ReleaseRepository r = new ReleaseRepository(dir, Clock.systemUTC(), ReleaseRepository.Expiries.defaults());
    SigningKey t = SigningKey.generate("targets");
    SigningKey s = SigningKey.generate("snapshot");
    SigningKey ts = SigningKey.generate("timestamp");
    r.init(List.of(SigningKey.generate("root")), 1, t, s, ts);
    return new Repo(r, dir, List.of(t, s, ts));
  }

  void add(Repo r, String target, String content) throws Exception {
    Path f = tmp.resolve(target + "-" + r.dir().getFileName());
    Files.writeString(f, content);
    r.repo().addTarget(f, target, Map.of("version", target), r.keys());
  }

  ReleaseService.Publish publishOf(Repo r) throws Exception {
    List<String> roots = new ArrayList<>();
    for (int v = 1; Files.exists(r.dir().resolve("metadata/" + v + ".root.json")); v++) {
      roots.add(Files.readString(r.dir().resolve("metadata/" + v + ".root.json")));
    }
    return new ReleaseService.Publish(roots, Files.readString(r.dir().resolve("metadata/targets.json")),
        Files.readString(r.dir().resolve("metadata/snapshot.json")), Files.readString(r.dir().resolve("metadata/timestamp.json")));
  }

  void upload(Repo r, String target) throws Exception {
    service.storeTarget(target, Files.newInputStream(r.dir().resolve("targets").resolve(target)));
  }

  @Test
  void aVerifiedPublishIsStoredServedAndAnnounced() throws Exception {
    Repo r = repo("rel");
    add(r, "agent-2.bundle", "two");
    upload(r, "agent-2.bundle");
    ReleaseService.Published p = service.publish(publishOf(r));
    assertThat(p.newTargets()).containsExactly("agent-2.bundle");
    assertThat(store.metadata()).containsKeys("1.root.json", "root.json", "timestamp.json", "snapshot.json", "targets.json");
    assertThat(store.metadata("targets.json").orElseThrow())
        .isEqualTo(Files.readAllBytes(r.dir().resolve("metadata/targets.json")));
    assertThat(published).extracting(OtaListener.ReleasePublished::target).containsExactly("agent-2.bundle");
    assertThat(service.publish(publishOf(r)).newTargets()).isEmpty(); // idempotent
  }

  @Test
  void aSignedTargetThatWasNotUploadedIsRefused() throws Exception {
    Repo r = repo("rel");
    add(r, "agent-2.bundle", "two");
    assertThatThrownBy(() -> service.publish(publishOf(r))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PUT /api/v1/ota/targets/agent-2.bundle");
    assertThat(store.metadata()).isEmpty();
  }

  @Test
  void anUploadWithOtherContentThanSignedIsRefusedAtPublish() throws Exception {
    Repo r = repo("rel");
    add(r, "agent-2.bundle", "two");
    service.storeTarget("agent-2.bundle", new ByteArrayInputStream("tw0".getBytes()));
    assertThatThrownBy(() -> service.publish(publishOf(r))).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(TufException.Reason.HASH_MISMATCH));
  }

  @Test
  void targetsAreImmutable() throws Exception {
    assertThat(service.storeTarget("a.bundle", new ByteArrayInputStream("one".getBytes()))).isTrue();
    assertThat(service.storeTarget("a.bundle", new ByteArrayInputStream("one".getBytes()))).isFalse();
    assertThatThrownBy(() -> service.storeTarget("a.bundle", new ByteArrayInputStream("two".getBytes())))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> service.storeTarget("../evil", new ByteArrayInputStream("x".getBytes())))
        .isInstanceOf(TufException.class);
  }

  // A hub that was given one repository's root does not accept another's metadata (someone with the ops token but no keys).
  @Test
  void metadataFromAnotherRepositoryIsRefusedOnceARootIsTrusted() throws Exception {
    Repo r = repo("rel");
    service.publish(publishOf(r));
    Repo evil = repo("evil");
    add(evil, "evil.bundle", "evil");
    upload(evil, "evil.bundle");
    assertThatThrownBy(() -> service.publish(publishOf(evil))).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isIn(TufException.Reason.SIGNATURES, TufException.Reason.ROLLBACK));
    assertThat(store.releases()).isEmpty();
  }

  @Test
  void olderMetadataCannotBePublishedOverNewer() throws Exception {
    Repo r = repo("rel");
    ReleaseService.Publish old = publishOf(r);
    add(r, "agent-2.bundle", "two");
    upload(r, "agent-2.bundle");
    service.publish(publishOf(r));
    assertThatThrownBy(() -> service.publish(old)).isInstanceOfSatisfying(TufException.class,
        e -> assertThat(e.reason()).isEqualTo(TufException.Reason.ROLLBACK));
  }
}
