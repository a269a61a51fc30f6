package io.fedge.agent.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Consent requests, decisions and standing policies in their own SQLite file ({@code
 * synchronous=FULL}: a decision that was shown as taken survives a power cut). A decision's
 * {@code sent_id} is the id of the {@code consent} message queued for the hub; decisions without one
 * are sent again at start.
 */
final class ConsentStore implements AutoCloseable {
  private static final TypeReference<List<DatasetColumns>> READS = new TypeReference<>() {};
  private final Connection c;

  private ConsentStore(Connection c) {
    this.c = c;
  }

  static ConsentStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("CREATE TABLE IF NOT EXISTS consent_requests (job_id TEXT PRIMARY KEY, title TEXT NOT NULL,"
            + " requester TEXT NOT NULL, purpose TEXT NOT NULL, reads_json TEXT NOT NULL, expires_at TEXT NOT NULL,"
            + " received_at TEXT NOT NULL, status TEXT NOT NULL, decided_by TEXT, decided_at TEXT, basis TEXT,"
            + " reason TEXT, sent_id TEXT)");
        s.execute("CREATE TABLE IF NOT EXISTS consent_policies (name TEXT PRIMARY KEY, requester TEXT NOT NULL,"
            + " allowed_json TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL)");
      }
      return new ConsentStore(c);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the consent store " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized boolean insert(ConsentRequest r) {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT OR IGNORE INTO consent_requests (job_id, title, requester, purpose, reads_json, expires_at, received_at,"
            + " status) VALUES (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, r.jobId());
      ps.setString(2, r.title());
      ps.setString(3, r.requester());
      ps.setString(4, r.purpose());
      ps.setString(5, json(r.reads()));
      ps.setString(6, r.expiresAt().toString());
      ps.setString(7, r.receivedAt().toString());
      ps.setString(8, r.status().name());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Moves {@code jobId} from status {@code from} to the decided state; false when it was not in {@code from}. */
  synchronized boolean decide(String jobId, ConsentRequest.Status from, ConsentRequest.Status to, String by, Instant at,
      String basis, String reason) {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE consent_requests SET status = ?, decided_by = ?, decided_at = ?, basis = ?, reason = ?, sent_id = NULL"
            + " WHERE job_id = ? AND status = ?")) {
      ps.setString(1, to.name());
      ps.setString(2, by);
      ps.setString(3, at.toString());
      ps.setString(4, basis);
      ps.setString(5, reason);
      ps.setString(6, jobId);
      ps.setString(7, from.name());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  synchronized void markSent(String jobId, String messageId) {
    try (PreparedStatement ps = c.prepareStatement("UPDATE consent_requests SET sent_id = ? WHERE job_id = ?")) {
      ps.setString(1, messageId);
      ps.setString(2, jobId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  synchronized List<ConsentRequest> unsent() {
    return query("SELECT * FROM consent_requests WHERE status <> 'PENDING' AND sent_id IS NULL ORDER BY decided_at", null, 10_000);
  }

  synchronized Optional<ConsentRequest> get(String jobId) {
    List<ConsentRequest> l = query("SELECT * FROM consent_requests WHERE job_id = ?", jobId, 1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  synchronized List<ConsentRequest> byStatus(String status, int limit) {
    return query("SELECT * FROM consent_requests WHERE status = ? ORDER BY received_at", status, limit);
  }

  synchronized List<ConsentRequest> decided(int limit) {
    return query("SELECT * FROM consent_requests WHERE status <> 'PENDING' ORDER BY decided_at DESC", null, limit);
  }

  private List<ConsentRequest> query(String sql, String param, int limit) {
    try (PreparedStatement ps = c.prepareStatement(sql + " LIMIT " + limit)) {
      if (param != null) {
        ps.setString(1, param);
      }
      List<ConsentRequest> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ConsentRequest(rs.getString("job_id"), rs.getString("title"), rs.getString("requester"),
              rs.getString("purpose"), reads(rs.getString("reads_json")), Instant.parse(rs.getString("expires_at")),
              Instant.parse(rs.getString("received_at")), ConsentRequest.Status.valueOf(rs.getString("status")),
              rs.getString("decided_by"), instant(rs.getString("decided_at")), rs.getString("basis"), rs.getString("reason")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  synchronized void putPolicy(ConsentPolicy p) {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO consent_policies VALUES (?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET requester = excluded.requester,"
            + " allowed_json = excluded.allowed_json, created_by = excluded.created_by, created_at = excluded.created_at")) {
      ps.setString(1, p.name());
      ps.setString(2, p.requester());
      ps.setString(3, json(p.allowed()));
      ps.setString(4, p.createdBy());
      ps.setString(5, p.createdAt().toString());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  synchronized boolean deletePolicy(String name) {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM consent_policies WHERE name = ?")) {
      ps.setString(1, name);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  synchronized List<ConsentPolicy> policies() {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM consent_policies ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      List<ConsentPolicy> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new ConsentPolicy(rs.getString("name"), rs.getString("requester"), reads(rs.getString("allowed_json")),
            rs.getString("created_by"), Instant.parse(rs.getString("created_at"))));
      }
      return out;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  private static String json(List<DatasetColumns> reads) {
    try {
      return WireCodec.mapper().writeValueAsString(reads);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<DatasetColumns> reads(String json) {
    try {
      return WireCodec.mapper().readValue(json, READS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored consent is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static IllegalStateException failed(SQLException e) {
    return new IllegalStateException("consent store failed: " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      throw failed(e);
    }
  }
}
