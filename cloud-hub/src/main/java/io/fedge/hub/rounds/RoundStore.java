package io.fedge.hub.rounds;

import io.fedge.federation.rounds.Chunk;
import io.fedge.hub.db.Database;
import io.fedge.hub.rounds.RoundRecords.JobRow;
import io.fedge.hub.rounds.RoundRecords.JobState;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundRecords.ParticipantRow;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import io.fedge.hub.rounds.RoundRecords.UpdateRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Jobs, round attempts, received chunks and updates, and published models, over JDBC on SQLite or
 * PostgreSQL. Every method is one transaction. Inserts of chunks and updates are idempotent by
 * their natural keys, so an at-least-once redelivery changes nothing.
 */
public final class RoundStore {
  private final Database db;

  public RoundStore(Database db) {
    this.db = db;
  }

  // ------------------------------------------------------------------ jobs

  /** Inserts a job with its participants (consent pending); false if the id exists. */
  public boolean insertJob(JobRow job, List<String> participants) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM fl_jobs WHERE job_id = ?")) {
        ps.setString(1, job.jobId());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO fl_jobs (job_id, document, state, reason, created_at, updated_at, consent_until, next_round)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, job.jobId());
        ps.setString(2, job.document());
        ps.setString(3, job.state().name());
        ps.setString(4, job.reason());
        ps.setLong(5, job.createdAt().toEpochMilli());
        ps.setLong(6, job.updatedAt().toEpochMilli());
        ps.setLong(7, job.consentUntil().toEpochMilli());
        ps.setInt(8, job.nextRound());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO fl_participants (job_id, device_id, consent) VALUES (?, ?, 'pending')")) {
        for (String d : participants) {
          ps.setString(1, job.jobId());
          ps.setString(2, d);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return true;
    });
  }

  public Optional<JobRow> job(String jobId) {
    return db.inTransaction(c -> {
      List<JobRow> l = jobs(c, "WHERE job_id = ?", jobId);
      return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    });
  }

  public List<JobRow> jobs() {
    return db.inTransaction(c -> jobs(c, "ORDER BY created_at DESC, job_id"));
  }

  public List<JobRow> jobsIn(JobState state) {
    return db.inTransaction(c -> jobs(c, "WHERE state = ? ORDER BY created_at, job_id", state.name()));
  }

  private static List<JobRow> jobs(Connection c, String where, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT job_id, document, state, reason, created_at, updated_at, consent_until, next_round, global_params,"
            + " scaler_json, model_id FROM fl_jobs " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      List<JobRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new JobRow(rs.getString(1), rs.getString(2), JobState.valueOf(rs.getString(3)), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
              Instant.ofEpochMilli(rs.getLong(7)), rs.getInt(8), rs.getBytes(9), rs.getString(10), rs.getString(11)));
        }
      }
      return out;
    }
  }

  /** Moves a non-terminal job to {@code state}; false if it was already terminal. */
  public boolean setJobState(String jobId, JobState state, String reason, Instant at) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_jobs SET state = ?, reason = ?, updated_at = ? WHERE job_id = ?"
              + " AND state NOT IN ('DONE', 'FAILED', 'CANCELLED')")) {
        ps.setString(1, state.name());
        ps.setString(2, reason);
        ps.setLong(3, at.toEpochMilli());
        ps.setString(4, jobId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Sets a job's global parameters (its initial model). */
  public void setGlobalParams(String jobId, byte[] params, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE fl_jobs SET global_params = ?, updated_at = ? WHERE job_id = ?")) {
        ps.setBytes(1, params);
        ps.setLong(2, at.toEpochMilli());
        ps.setString(3, jobId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  public List<ParticipantRow> participants(String jobId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT device_id, consent, reason, decided_by, decided_at FROM fl_participants WHERE job_id = ? ORDER BY device_id")) {
        ps.setString(1, jobId);
        List<ParticipantRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long at = rs.getLong(5);
            out.add(new ParticipantRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.wasNull() ? null : Instant.ofEpochMilli(at)));
          }
        }
        return out;
      }
    });
  }

  /** Records a consent decision once; a later different decision also counts (a withdrawal). */
  public boolean recordConsent(String jobId, String deviceId, boolean approved, String reason, String decidedBy, Instant at) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_participants SET consent = ?, reason = ?, decided_by = ?, decided_at = ?"
              + " WHERE job_id = ? AND device_id = ?")) {
        ps.setString(1, approved ? "approved" : "refused");
        ps.setString(2, reason);
        ps.setString(3, decidedBy);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, jobId);
        ps.setString(6, deviceId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  // ------------------------------------------------------------------ rounds

  /** Inserts a round attempt and advances the job's round pointer in one transaction. */
  public void insertRound(RoundRow r) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO fl_rounds (job_id, round_no, attempt, phase, state, started_at, deadline, round_key, invite_json)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.jobId());
        ps.setInt(2, r.round());
        ps.setInt(3, r.attempt());
        ps.setString(4, r.phase());
        ps.setString(5, r.state().name());
        ps.setLong(6, r.startedAt().toEpochMilli());
        ps.setLong(7, r.deadline().toEpochMilli());
        ps.setBytes(8, r.roundKey());
        ps.setString(9, r.inviteJson());
        ps.executeUpdate();
      }
      return null;
    });
  }

  public void setRoundState(String jobId, int round, int attempt, RoundState state, String reason, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_rounds SET state = ?, reason = COALESCE(?, reason), ended_at = ? WHERE job_id = ? AND round_no = ? AND attempt = ?")) {
        ps.setString(1, state.name());
        ps.setString(2, reason);
        if (state.terminal()) {
          ps.setLong(3, at.toEpochMilli());
        } else {
          ps.setNull(3, Types.BIGINT);
        }
        ps.setString(4, jobId);
        ps.setInt(5, round);
        ps.setInt(6, attempt);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Completes a round attempt and stores the job's new global parameters atomically: the round is
   * DONE with its digest, and the job moves on to {@code nextRound}.
   */
  public void completeRound(String jobId, int round, int attempt, String aggregateSha256, String digestJson,
      byte[] globalParams, String scalerJson, int nextRound, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_rounds SET state = 'DONE', ended_at = ?, aggregate_sha256 = ?, digest_json = ?"
              + " WHERE job_id = ? AND round_no = ? AND attempt = ?")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setString(2, aggregateSha256);
        ps.setString(3, digestJson);
        ps.setString(4, jobId);
        ps.setInt(5, round);
        ps.setInt(6, attempt);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_jobs SET global_params = COALESCE(?, global_params), scaler_json = COALESCE(?, scaler_json),"
              + " next_round = ?, updated_at = ? WHERE job_id = ?")) {
        ps.setBytes(1, globalParams);
        ps.setString(2, scalerJson);
        ps.setInt(3, nextRound);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, jobId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  public List<RoundRow> rounds(String jobId) {
    return db.inTransaction(c -> rounds(c, "WHERE job_id = ? ORDER BY round_no, attempt", jobId));
  }

  /** Every round attempt that is not DONE or FAILED, of any job (what a restarted hub must settle). */
  public List<RoundRow> openRounds() {
    return db.inTransaction(c -> rounds(c, "WHERE state NOT IN ('DONE', 'FAILED') ORDER BY job_id, round_no, attempt"));
  }

  private static List<RoundRow> rounds(Connection c, String where, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT job_id, round_no, attempt, phase, state, started_at, deadline, ended_at, reason, round_key, invite_json,"
            + " aggregate_sha256, digest_json FROM fl_rounds " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      List<RoundRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long ended = rs.getLong(8);
          boolean noEnd = rs.wasNull();
          out.add(new RoundRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4),
              RoundState.valueOf(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6)),
              Instant.ofEpochMilli(rs.getLong(7)), noEnd ? null : Instant.ofEpochMilli(ended), rs.getString(9),
              rs.getBytes(10), rs.getString(11), rs.getString(12), rs.getString(13)));
        }
      }
      return out;
    }
  }

  // ------------------------------------------------------------------ chunks and updates

  /** Stores a chunk unless it is already there; returns how many chunks of its transfer are stored. */
  public int putChunk(String jobId, String deviceId, Chunk chunk) {
    return db.inTransaction(c -> {
      boolean present;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT total_sha256, chunk_count FROM fl_chunks WHERE transfer_id = ? AND chunk_index = ?")) {
        ps.setString(1, chunk.transferId());
        ps.setInt(2, chunk.index());
        try (ResultSet rs = ps.executeQuery()) {
          present = rs.next();
        }
      }
      if (!present) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO fl_chunks (transfer_id, chunk_index, job_id, device_id, chunk_count, total_sha256, data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, chunk.transferId());
          ps.setInt(2, chunk.index());
          ps.setString(3, jobId);
          ps.setString(4, deviceId);
          ps.setInt(5, chunk.count());
          ps.setString(6, chunk.totalSha256());
          ps.setBytes(7, chunk.data());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM fl_chunks WHERE transfer_id = ? AND total_sha256 = ?")) {
        ps.setString(1, chunk.transferId());
        ps.setString(2, chunk.totalSha256());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  /** How many chunks of a transfer are stored. */
  public int chunkCount(String transferId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM fl_chunks WHERE transfer_id = ?")) {
        ps.setString(1, transferId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  public List<Chunk> chunks(String transferId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT chunk_index, chunk_count, total_sha256, data FROM fl_chunks WHERE transfer_id = ? ORDER BY chunk_index")) {
        ps.setString(1, transferId);
        List<Chunk> out = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        List<int[]> meta = new ArrayList<>();
        List<String> totals = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            meta.add(new int[] {rs.getInt(1), rs.getInt(2)});
            totals.add(rs.getString(3));
            data.add(rs.getBytes(4));
          }
        }
        long total = 0;
        for (byte[] d : data) {
          total += d.length;
        }
        for (int i = 0; i < data.size(); i++) {
          out.add(new Chunk(transferId, meta.get(i)[0], meta.get(i)[1], total, totals.get(i),
              io.fedge.federation.rounds.Chunks.sha256Hex(data.get(i)), data.get(i)));
        }
        return out;
      }
    });
  }

  /**
   * Records a device's update for an attempt once and drops its chunks; false if an update from
   * this device for this attempt was already recorded (nothing changes then).
   */
  public boolean recordUpdate(String jobId, int round, int attempt, UpdateRow u, String transferId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM fl_updates WHERE job_id = ? AND round_no = ? AND attempt = ? AND device_id = ?")) {
        ps.setString(1, jobId);
        ps.setInt(2, round);
        ps.setInt(3, attempt);
        ps.setString(4, u.deviceId());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO fl_updates (job_id, round_no, attempt, device_id, received_at, commitment, status, reason, payload)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, jobId);
        ps.setInt(2, round);
        ps.setInt(3, attempt);
        ps.setString(4, u.deviceId());
        ps.setLong(5, u.receivedAt().toEpochMilli());
        ps.setString(6, u.commitment());
        ps.setString(7, u.status());
        ps.setString(8, u.reason());
        ps.setBytes(9, u.payload());
        ps.executeUpdate();
      }
      if (transferId != null) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM fl_chunks WHERE transfer_id = ?")) {
          ps.setString(1, transferId);
          ps.executeUpdate();
        }
      }
      return true;
    });
  }

  public List<UpdateRow> updates(String jobId, int round, int attempt) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT device_id, received_at, commitment, status, reason, payload FROM fl_updates"
              + " WHERE job_id = ? AND round_no = ? AND attempt = ? ORDER BY device_id")) {
        ps.setString(1, jobId);
        ps.setInt(2, round);
        ps.setInt(3, attempt);
        List<UpdateRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new UpdateRow(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getBytes(6)));
          }
        }
        return out;
      }
    });
  }

  /** Drops what an attempt left behind that is no longer needed once it is over. */
  public void dropChunksOfJob(String jobId) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM fl_chunks WHERE job_id = ?")) {
        ps.setString(1, jobId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  // ------------------------------------------------------------------ model registry

  /** Publishes a model version and points the job at it; the job becomes DONE. */
  public void publishModel(ModelRow m, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO fl_models (model_id, job_id, version, round_no, sha256, spec_json, metrics_json,"
              + " participants_json, created_at, parameters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, m.modelId());
        ps.setString(2, m.jobId());
        ps.setInt(3, m.version());
        ps.setInt(4, m.round());
        ps.setString(5, m.sha256());
        ps.setString(6, m.specJson());
        ps.setString(7, m.metricsJson());
        ps.setString(8, m.participantsJson());
        ps.setLong(9, m.createdAt().toEpochMilli());
        ps.setBytes(10, m.parameters());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE fl_jobs SET model_id = ?, updated_at = ? WHERE job_id = ?")) {
        ps.setString(1, m.modelId());
        ps.setLong(2, at.toEpochMilli());
        ps.setString(3, m.jobId());
        ps.executeUpdate();
      }
      return null;
    });
  }

  public int nextModelVersion(String jobId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM fl_models WHERE job_id = ?")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1) + 1;
        }
      }
    });
  }

  public List<ModelRow> models() {
    return db.inTransaction(c -> models(c, "ORDER BY created_at DESC, model_id", false));
  }

  public Optional<ModelRow> model(String modelId, boolean withParameters) {
    return db.inTransaction(c -> {
      List<ModelRow> l = models(c, "WHERE model_id = ?", withParameters, modelId);
      return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    });
  }

  private static List<ModelRow> models(Connection c, String where, boolean params, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT model_id, job_id, version, round_no, sha256, spec_json, metrics_json, participants_json, created_at"
            + (params ? ", parameters" : "") + " FROM fl_models " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      List<ModelRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ModelRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
              params ? rs.getBytes(10) : null));
        }
      }
      return out;
    }
  }
}
