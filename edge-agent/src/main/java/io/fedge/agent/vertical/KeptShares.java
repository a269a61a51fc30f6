package io.fedge.agent.vertical;

import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.data.DataException;
import io.fedge.federation.vertical.BoostModelShare;
import io.fedge.federation.vertical.BoostScoringParty;
import io.fedge.federation.vertical.GuestTable;
import io.fedge.federation.vertical.LrGuest;
import io.fedge.federation.vertical.LrHost;
import io.fedge.federation.vertical.LrModelShare;
import io.fedge.federation.vertical.LrParty;
import io.fedge.federation.vertical.Objective;
import io.fedge.federation.vertical.Outbox;
import io.fedge.federation.vertical.PartyTable;
import io.fedge.federation.vertical.VerticalException;
import io.fedge.federation.vertical.relay.VerticalControl.ScoringSession;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The model shares a party keeps of finished vertical LR jobs ({@code <dir>/<job>.lr-share.json},
 * and tree jobs' {@code <job>.sbt-share.json}),
 * owner-only, written atomically), and scorers rebuilt from them on demand: after a restart of the
 * hub or of this agent, a {@link ScoringSession} names the job, and the party reloads its share and
 * the aligned rows instead of having kept them in memory.
 */
final class KeptShares {
  private static final Pattern JOB = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");

  private final Path dir;
  private final Supplier<ConsentGuard> consent;

  KeptShares(Path dir, Supplier<ConsentGuard> consent) {
    this.dir = dir;
    this.consent = consent;
  }

  Path file(String jobId) {
    if (!JOB.matcher(jobId).matches()) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
    return dir.resolve(jobId + ".lr-share.json");
  }

  /** Writes the share owner-only (0600) and atomically: a crash leaves the old file or the new one. */
  void keep(String jobId, LrModelShare share) {
    try {
      Files.createDirectories(dir);
      Pem.writeSecret(file(jobId), new String(WireCodec.mapper().writeValueAsBytes(share), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new DataException("cannot keep the model share of job " + jobId + ": " + e.getMessage());
    }
  }

  LrModelShare load(String jobId) {
    Path f = file(jobId);
    if (!Files.exists(f)) {
      throw new DataException("this party kept no model share of job " + jobId + " (" + f.getFileName() + " is missing)");
    }
    try {
      return WireCodec.mapper().readValue(f.toFile(), LrModelShare.class);
    } catch (IOException e) {
      throw new DataException("the kept model share of job " + jobId + " is unreadable: " + e.getMessage());
    }
  }

  /**
   * A trained party of {@code s.modelJob()} that answers score requests of the session {@code
   * s.jobId()}: its share from disk (checked against the registry's digest), the aligned rows read
   * through the job's consent.
   */
  LrParty open(String self, ScoringSession s, Outbox out) {
    LrModelShare share = load(s.modelJob());
    String digest = AgentVertical.shareDigest(share);
    if (s.shareSha256() != null && !s.shareSha256().equals(digest)) {
      throw new VerticalException("the kept model share of job " + s.modelJob() + " has digest " + digest
          + ", the registry recorded " + s.shareSha256() + ": it was changed; this party cannot score for the model");
    }
    boolean guest = "guest".equals(s.role());
    AlignedRows rows = AlignedRows.read(consent.get().access(s.modelJob()), s.aligned(), s.features(),
        guest ? s.label() : null);
    PartyTable table = rows.table();
    LrParty p = guest
        ? new LrGuest(self, VerticalPacket.HUB, new GuestTable(table, rows.labels()), out)
        : new LrHost(self, VerticalPacket.HUB, table, out);
    p.useScoringTable(table);
    p.restore(s.jobId(), s.guest(), s.hosts(), share,
        s.objective() == null ? Objective.BINARY : Objective.parse(s.objective()));
    return p;
  }

  /** The tree share file of {@code jobId} ({@code <dir>/<job>.sbt-share.json}, written by {@link TreeJob}). */
  Path treeFile(String jobId) {
    if (!JOB.matcher(jobId).matches()) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
    return dir.resolve(jobId + ".sbt-share.json");
  }

  /** Whether this party kept a tree share of {@code jobId} (then a scoring session of it is a tree one). */
  boolean keptTrees(String jobId) {
    return Files.isRegularFile(treeFile(jobId));
  }

  /**
   * A tree party of {@code s.modelJob()} that answers boost score and route requests of the session
   * {@code s.jobId()}: its share from disk (the SHA-256 of the file's bytes checked against the
   * registry's commitment), the aligned rows read through the job's consent.
   */
  BoostScoringParty openTrees(String self, ScoringSession s, Outbox out) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(treeFile(s.modelJob()));
    } catch (IOException e) {
      throw new DataException("this party kept no tree share of job " + s.modelJob() + ": " + e.getMessage());
    }
    String digest;
    try {
      digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (s.shareSha256() != null && !s.shareSha256().equals(digest)) {
      throw new VerticalException("the kept tree share of job " + s.modelJob() + " has digest " + digest
          + ", the registry recorded " + s.shareSha256() + ": it was changed; this party cannot score for the model");
    }
    BoostModelShare share;
    try {
      share = WireCodec.mapper().readValue(bytes, BoostModelShare.class);
    } catch (IOException e) {
      throw new DataException("the kept tree share of job " + s.modelJob() + " is unreadable: " + e.getMessage());
    }
    PartyTable table = AlignedRows.read(consent.get().access(s.modelJob()), s.aligned(), share.features(), null).table();
    return new BoostScoringParty(self, s.jobId(), s.guest(), s.hosts(), share, table, out);
  }

}
