package io.fedge.hub.ota;

import io.fedge.hub.db.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** OTA state in the hub database (schema V4): served metadata, releases, campaigns, device profiles. */
public final class OtaStore {
  public record Release(String target, String version, long length, String sha256, Instant publishedAt) {}

  public record CampaignRow(String id, String target, String version, String specJson, String state, int wave,
      String reason, Instant createdAt, Instant updatedAt) {}

  public record DeviceRow(String deviceId, int position, String state, String fromVersion, String detail,
      Instant offeredAt, Instant updatedAt) {}

  public record Profile(String deviceId, String timeZone, List<String> tags) {}

  private final Database db;

  public OtaStore(Database db) {
    this.db = db;
  }

  public Map<String, byte[]> metadata() {
    return db.inTransaction(c -> {
      Map<String, byte[]> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name, content FROM ota_metadata");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2).getBytes(StandardCharsets.UTF_8));
        }
      }
      return out;
    });
  }

  public Optional<byte[]> metadata(String name) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT content FROM ota_metadata WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1).getBytes(StandardCharsets.UTF_8)) : Optional.<byte[]>empty();
        }
      }
    });
  }

  /** One transaction: metadata files saved (or deleted, null value) and the newly published releases. */
  public void commitPublish(Map<String, byte[]> changes, Map<String, Long> versions, List<Release> releases, Instant at) {
    db.inTransaction(c -> {
      for (Map.Entry<String, byte[]> e : changes.entrySet()) {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM ota_metadata WHERE name = ?")) {
          del.setString(1, e.getKey());
          del.executeUpdate();
        }
        if (e.getValue() != null) {
          try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO ota_metadata (name, content, version, updated_at) VALUES (?, ?, ?, ?)")) {
            ins.setString(1, e.getKey());
            ins.setString(2, new String(e.getValue(), StandardCharsets.UTF_8));
            ins.setLong(3, versions.getOrDefault(e.getKey(), 0L));
            ins.setLong(4, at.toEpochMilli());
            ins.executeUpdate();
          }
        }
      }
      for (Release r : releases) {
        try (PreparedStatement ins = c.prepareStatement(
            "INSERT INTO ota_releases (target, version, length, sha256, published_at) VALUES (?, ?, ?, ?, ?)")) {
          ins.setString(1, r.target());
          ins.setString(2, r.version());
          ins.setLong(3, r.length());
          ins.setString(4, r.sha256());
          ins.setLong(5, r.publishedAt().toEpochMilli());
          ins.executeUpdate();
        }
      }
      return null;
    });
  }

  public List<Release> releases() {
    return db.inTransaction(c -> {
      List<Release> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT target, version, length, sha256, published_at FROM ota_releases ORDER BY published_at DESC, target");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Release(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
      return out;
    });
  }

  public Optional<Release> release(String target) {
    return releases().stream().filter(r -> r.target().equals(target)).findFirst();
  }

  public void insertCampaign(CampaignRow row, List<DeviceRow> devices) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO ota_campaigns (campaign_id, target, version, spec_json,"
          + " state, wave, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, row.id());
        ps.setString(2, row.target());
        ps.setString(3, row.version());
        ps.setString(4, row.specJson());
        ps.setString(5, row.state());
        ps.setInt(6, row.wave());
        setNullable(ps, 7, row.reason());
        ps.setLong(8, row.createdAt().toEpochMilli());
        ps.setLong(9, row.updatedAt().toEpochMilli());
        ps.executeUpdate();
      }
      for (DeviceRow d : devices) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ota_campaign_devices (campaign_id, device_id, position,"
            + " state, from_version, detail, offered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, row.id());
          ps.setString(2, d.deviceId());
          ps.setInt(3, d.position());
          ps.setString(4, d.state());
          setNullable(ps, 5, d.fromVersion());
          setNullable(ps, 6, d.detail());
          ps.setNull(7, Types.BIGINT);
          ps.setLong(8, d.updatedAt().toEpochMilli());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  public Optional<CampaignRow> campaign(String id) {
    return query("SELECT campaign_id, target, version, spec_json, state, wave, reason, created_at, updated_at"
        + " FROM ota_campaigns WHERE campaign_id = ?", id).stream().findFirst();
  }

  public List<CampaignRow> campaigns() {
    return query("SELECT campaign_id, target, version, spec_json, state, wave, reason, created_at, updated_at"
        + " FROM ota_campaigns ORDER BY created_at DESC", null);
  }

  private List<CampaignRow> query(String sql, String arg) {
    return db.inTransaction(c -> {
      List<CampaignRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (arg != null) {
          ps.setString(1, arg);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new CampaignRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9))));
          }
        }
      }
      return out;
    });
  }

  public void updateCampaign(String id, String state, int wave, String reason, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE ota_campaigns SET state = ?, wave = ?, reason = ?, updated_at = ? WHERE campaign_id = ?")) {
        ps.setString(1, state);
        ps.setInt(2, wave);
        setNullable(ps, 3, reason);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Where a campaign's failure budget starts: how many of its devices had updated and failed when
   * ops last resumed it (0, 0 before any resume). The devices keep their states (the history).
   */
  public record Budget(int updated, int failed) {}

  public Budget budget(String campaignId) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT budget_updated, budget_failed FROM ota_campaigns WHERE campaign_id = ?")) {
        ps.setString(1, campaignId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new Budget(rs.getInt(1), rs.getInt(2)) : new Budget(0, 0);
        }
      }
    });
  }

  public void setBudget(String campaignId, Budget b) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE ota_campaigns SET budget_updated = ?, budget_failed = ? WHERE campaign_id = ?")) {
        ps.setInt(1, b.updated());
        ps.setInt(2, b.failed());
        ps.setString(3, campaignId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  public List<DeviceRow> devices(String campaignId) {
    return db.inTransaction(c -> {
      List<DeviceRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT device_id, position, state, from_version, detail, offered_at,"
          + " updated_at FROM ota_campaign_devices WHERE campaign_id = ? ORDER BY position")) {
        ps.setString(1, campaignId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long offered = rs.getLong(6);
            boolean none = rs.wasNull();
            out.add(new DeviceRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                none ? null : Instant.ofEpochMilli(offered), Instant.ofEpochMilli(rs.getLong(7))));
          }
        }
      }
      return out;
    });
  }

  /** Sets a device's state in a campaign; returns false if it is not part of it. */
  public boolean updateDevice(String campaignId, String deviceId, String state, String detail, Instant offeredAt, Instant at) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE ota_campaign_devices SET state = ?, detail = ?,"
          + " offered_at = COALESCE(?, offered_at), updated_at = ? WHERE campaign_id = ? AND device_id = ?")) {
        ps.setString(1, state);
        setNullable(ps, 2, detail);
        if (offeredAt == null) {
          ps.setNull(3, Types.BIGINT);
        } else {
          ps.setLong(3, offeredAt.toEpochMilli());
        }
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, campaignId);
        ps.setString(6, deviceId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  public void setDeviceProfile(String deviceId, String timeZone, List<String> tags) {
    db.inTransaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM ota_device_profiles WHERE device_id = ?")) {
        del.setString(1, deviceId);
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO ota_device_profiles (device_id, time_zone, tags) VALUES (?, ?, ?)")) {
        ps.setString(1, deviceId);
        setNullable(ps, 2, timeZone);
        ps.setString(3, String.join(",", tags));
        ps.executeUpdate();
      }
      return null;
    });
  }

  public void setGroupTimeZone(String group, String timeZone) {
    db.inTransaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM ota_group_profiles WHERE group_name = ?")) {
        del.setString(1, group);
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO ota_group_profiles (group_name, time_zone) VALUES (?, ?)")) {
        ps.setString(1, group);
        ps.setString(2, timeZone);
        ps.executeUpdate();
      }
      return null;
    });
  }

  public Map<String, Profile> deviceProfiles() {
    return db.inTransaction(c -> {
      Map<String, Profile> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT device_id, time_zone, tags FROM ota_device_profiles");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String tags = rs.getString(3);
          out.put(rs.getString(1), new Profile(rs.getString(1), rs.getString(2),
              tags == null || tags.isEmpty() ? List.of() : List.of(tags.split(","))));
        }
      }
      return out;
    });
  }

  public Map<String, String> groupTimeZones() {
    return db.inTransaction(c -> {
      Map<String, String> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT group_name, time_zone FROM ota_group_profiles");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }
}
