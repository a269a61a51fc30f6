-- Fedge hub schema, version 1 (PostgreSQL).
-- Keep in step with V1__initial_schema.sqlite.sql: only audit_log.id may differ.
-- Timestamps are epoch milliseconds UTC; booleans are INTEGER 0/1; hashes are lower-case hex.

CREATE TABLE claim_tokens (
  token_id    TEXT   NOT NULL PRIMARY KEY,
  secret_hash TEXT   NOT NULL,
  group_name  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  used_at     BIGINT,
  used_by     TEXT,
  created_by  TEXT   NOT NULL,
  CHECK ((used_at IS NULL) = (used_by IS NULL))
);

CREATE TABLE devices (
  device_id              TEXT    NOT NULL PRIMARY KEY,
  group_name             TEXT    NOT NULL,
  public_key_fingerprint TEXT    NOT NULL,
  cert_serial            TEXT    NOT NULL,
  cert_not_after         BIGINT  NOT NULL,
  enrolled_at            BIGINT  NOT NULL,
  revoked_at             BIGINT,
  revoked_reason         TEXT,
  online                 INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
  last_seen              BIGINT,
  agent_version          TEXT,
  resources_json         TEXT
);

CREATE INDEX devices_group_idx ON devices (group_name);
CREATE INDEX devices_online_idx ON devices (online);

CREATE TABLE device_events (
  device_id   TEXT   NOT NULL REFERENCES devices (device_id),
  message_id  TEXT   NOT NULL,
  at          BIGINT NOT NULL,
  name        TEXT   NOT NULL,
  detail_json TEXT,
  PRIMARY KEY (device_id, message_id)
);

CREATE INDEX device_events_device_at_idx ON device_events (device_id, at);

CREATE TABLE audit_log (
  id      BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      BIGINT  NOT NULL,
  actor   TEXT    NOT NULL,
  action  TEXT    NOT NULL,
  subject TEXT,
  outcome TEXT    NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  reason  TEXT,
  source  TEXT
);

CREATE INDEX audit_log_subject_idx ON audit_log (subject);
CREATE INDEX audit_log_at_idx ON audit_log (at);
