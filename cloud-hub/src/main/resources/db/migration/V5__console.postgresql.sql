-- Fedge hub schema, version 5 (PostgreSQL): ops console users, sessions, login failures, heartbeat history.
-- Keep in step with V5__console.sqlite.sql. Timestamps are epoch milliseconds UTC.

CREATE TABLE console_users (
  username             TEXT    NOT NULL PRIMARY KEY,
  role                 TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  password_hash        TEXT    NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at           BIGINT  NOT NULL,
  created_by           TEXT    NOT NULL,
  updated_at           BIGINT  NOT NULL
);

-- Only the SHA-256 of a session id is stored; the id itself lives in the browser's cookie.
CREATE TABLE console_sessions (
  id_hash    TEXT   NOT NULL PRIMARY KEY,
  username   TEXT   NOT NULL REFERENCES console_users (username),
  csrf_token TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen  BIGINT NOT NULL,
  source     TEXT
);

CREATE INDEX console_sessions_user_idx ON console_sessions (username);

-- Consecutive failed logins per key ("user:<name>" or "src:<address>") and the lock they earned.
CREATE TABLE console_login_failures (
  fail_key     TEXT    NOT NULL PRIMARY KEY,
  failures     INTEGER NOT NULL,
  locked_until BIGINT  NOT NULL,
  updated_at   BIGINT  NOT NULL
);

-- Every heartbeat kept for the console's charts; pruned after heartbeat.history.retention.
CREATE TABLE device_heartbeats (
  device_id      TEXT   NOT NULL REFERENCES devices (device_id),
  at             BIGINT NOT NULL,
  agent_version  TEXT,
  resources_json TEXT,
  PRIMARY KEY (device_id, at)
);

CREATE INDEX device_heartbeats_at_idx ON device_heartbeats (at);
