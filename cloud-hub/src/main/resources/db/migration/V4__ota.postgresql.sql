-- Fedge hub schema, version 4: OTA releases and campaigns (PostgreSQL).
-- Keep in step with V4__ota.sqlite.sql. Timestamps are epoch milliseconds UTC.

-- The signed metadata the hub serves, exactly as the release operator signed it.
CREATE TABLE ota_metadata (
  name       TEXT   NOT NULL PRIMARY KEY,
  content    TEXT   NOT NULL,
  version    BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Every target ever published (the file lives under <data>/ota/targets/<target>).
CREATE TABLE ota_releases (
  target       TEXT   NOT NULL PRIMARY KEY,
  version      TEXT   NOT NULL,
  length       BIGINT NOT NULL,
  sha256       TEXT   NOT NULL,
  published_at BIGINT NOT NULL
);

CREATE TABLE ota_campaigns (
  campaign_id TEXT    NOT NULL PRIMARY KEY,
  target      TEXT    NOT NULL REFERENCES ota_releases (target),
  version     TEXT    NOT NULL,
  spec_json   TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  wave        INTEGER NOT NULL,
  reason      TEXT,
  created_at  BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL
);

CREATE TABLE ota_campaign_devices (
  campaign_id TEXT    NOT NULL REFERENCES ota_campaigns (campaign_id),
  device_id   TEXT    NOT NULL REFERENCES devices (device_id),
  position    INTEGER NOT NULL,
  state       TEXT    NOT NULL,
  from_version TEXT,
  detail      TEXT,
  offered_at  BIGINT,
  updated_at  BIGINT  NOT NULL,
  PRIMARY KEY (campaign_id, device_id)
);

-- Where a device (or its whole group) is, for maintenance windows in local time; and its tags.
CREATE TABLE ota_device_profiles (
  device_id TEXT NOT NULL PRIMARY KEY REFERENCES devices (device_id),
  time_zone TEXT,
  tags      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ota_group_profiles (
  group_name TEXT NOT NULL PRIMARY KEY,
  time_zone  TEXT NOT NULL
);
