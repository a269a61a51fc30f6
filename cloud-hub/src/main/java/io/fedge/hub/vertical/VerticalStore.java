package io.fedge.hub.vertical;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Vertical jobs in the hub database (schema V7, table {@code vertical_jobs}), SQLite or PostgreSQL:
 * the document, where the job is, the parties' stage reports, metrics and model id, so a hub restart
 * keeps finished jobs (and online scoring of their models) and can tell the parties of running ones
 * that they failed. Every method is one transaction; {@link #save} is an upsert by job id.
 */
public final class VerticalStore {
  /** One job as stored. Maps are never null. */
  public record Row(String jobId, String document, String state, String reason, Instant consentUntil,
      Map<String, String> consent, long alignedRows, Map<String, StageReport> reports, Map<String, String> shares,
      Map<String, Double> metrics, String modelId, Instant createdAt, Instant updatedAt) {}

  private final Database db;

  public VerticalStore(Database db) {
    this.db = db;
  }

  public void save(Row r) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO vertical_jobs (job_id, document, state, reason,"
          + " consent_until, consent_json, aligned_rows, reports_json, shares_json, metrics_json, model_id, created_at,"
          + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET"
          + " state = excluded.state, reason = excluded.reason, consent_json = excluded.consent_json,"
          + " aligned_rows = excluded.aligned_rows, reports_json = excluded.reports_json,"
          + " shares_json = excluded.shares_json, metrics_json = excluded.metrics_json, model_id = excluded.model_id,"
          + " updated_at = excluded.updated_at")) {
        ps.setString(1, r.jobId());
        ps.setString(2, r.document());
        ps.setString(3, r.state());
        ps.setString(4, r.reason());
        ps.setLong(5, r.consentUntil().toEpochMilli());
        ps.setString(6, json(r.consent()));
        ps.setLong(7, r.alignedRows());
        ps.setString(8, json(r.reports()));
        ps.setString(9, json(r.shares()));
        ps.setString(10, json(r.metrics()));
        ps.setString(11, r.modelId());
        ps.setLong(12, r.createdAt().toEpochMilli());
        ps.setLong(13, r.updatedAt().toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Every stored job, oldest first. */
  public List<Row> all() {
    return db.inTransaction(c -> {
      List<Row> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT job_id, document, state, reason, consent_until,"
          + " consent_json, aligned_rows, reports_json, shares_json, metrics_json, model_id, created_at, updated_at"
          + " FROM vertical_jobs ORDER BY created_at, job_id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5)), read(rs.getString(6), new TypeReference<TreeMap<String, String>>() {}),
              rs.getLong(7), read(rs.getString(8), new TypeReference<TreeMap<String, StageReport>>() {}),
              read(rs.getString(9), new TypeReference<TreeMap<String, String>>() {}),
              read(rs.getString(10), new TypeReference<TreeMap<String, Double>>() {}), rs.getString(11),
              Instant.ofEpochMilli(rs.getLong(12)), Instant.ofEpochMilli(rs.getLong(13))));
        }
      }
      return out;
    });
  }

  private static String json(Object o) {
    try {
      return WireCodec.mapper().writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return WireCodec.mapper().readValue(json, type);
    } catch (IOException e) {
      throw new IllegalStateException("a stored vertical job has unreadable JSON: " + e.getMessage(), e);
    }
  }
}
