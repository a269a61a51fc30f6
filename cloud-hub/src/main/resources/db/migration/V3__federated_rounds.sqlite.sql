-- Fedge hub schema, version 3 (SQLite): federated jobs, round attempts, updates, model registry.
-- Keep in step with V3__federated_rounds.postgresql.sql: only BLOB/BYTEA differ.
-- Timestamps are epoch milliseconds UTC; hashes are lower-case hex.

CREATE TABLE fl_jobs (
  job_id        TEXT   NOT NULL PRIMARY KEY,
  document      TEXT   NOT NULL,
  state         TEXT   NOT NULL CHECK (state IN ('CONSENT', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
  reason        TEXT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  consent_until BIGINT NOT NULL,
  next_round    INTEGER NOT NULL,
  global_params BLOB,
  scaler_json   TEXT,
  model_id      TEXT
);

CREATE TABLE fl_participants (
  job_id     TEXT   NOT NULL REFERENCES fl_jobs (job_id),
  device_id  TEXT   NOT NULL,
  consent    TEXT   NOT NULL CHECK (consent IN ('pending', 'approved', 'refused')),
  reason     TEXT,
  decided_by TEXT,
  decided_at BIGINT,
  PRIMARY KEY (job_id, device_id)
);

CREATE TABLE fl_rounds (
  job_id           TEXT    NOT NULL REFERENCES fl_jobs (job_id),
  round_no         INTEGER NOT NULL,
  attempt          INTEGER NOT NULL,
  phase            TEXT    NOT NULL CHECK (phase IN ('scale', 'train')),
  state            TEXT    NOT NULL,
  started_at       BIGINT  NOT NULL,
  deadline         BIGINT  NOT NULL,
  ended_at         BIGINT,
  reason           TEXT,
  round_key        BLOB    NOT NULL,
  invite_json      TEXT    NOT NULL,
  aggregate_sha256 TEXT,
  digest_json      TEXT,
  PRIMARY KEY (job_id, round_no, attempt)
);

CREATE TABLE fl_chunks (
  transfer_id  TEXT    NOT NULL,
  chunk_index  INTEGER NOT NULL,
  job_id       TEXT    NOT NULL,
  device_id    TEXT    NOT NULL,
  chunk_count  INTEGER NOT NULL,
  total_sha256 TEXT    NOT NULL,
  data         BLOB    NOT NULL,
  PRIMARY KEY (transfer_id, chunk_index)
);

CREATE TABLE fl_updates (
  job_id      TEXT    NOT NULL,
  round_no    INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  device_id   TEXT    NOT NULL,
  received_at BIGINT  NOT NULL,
  commitment  TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('accepted', 'rejected')),
  reason      TEXT,
  payload     BLOB,
  PRIMARY KEY (job_id, round_no, attempt, device_id)
);

CREATE TABLE fl_models (
  model_id          TEXT    NOT NULL PRIMARY KEY,
  job_id            TEXT    NOT NULL,
  version           INTEGER NOT NULL,
  round_no          INTEGER NOT NULL,
  sha256            TEXT    NOT NULL,
  spec_json         TEXT    NOT NULL,
  metrics_json      TEXT,
  participants_json TEXT    NOT NULL,
  created_at        BIGINT  NOT NULL,
  parameters        BLOB    NOT NULL,
  UNIQUE (job_id, version)
);
