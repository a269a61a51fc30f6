-- Fedge hub schema, version 7: vertical jobs survive a hub restart (docs/vertical.md, "Durability").
-- One row per vertical job: its document, where it is, the parties' stage reports, metrics and model.
-- Maps are JSON text. Timestamps are epoch milliseconds UTC. Both backends.
CREATE TABLE vertical_jobs (
  job_id        TEXT   NOT NULL PRIMARY KEY,
  document      TEXT   NOT NULL,
  state         TEXT   NOT NULL CHECK (state IN ('CONSENT', 'PSI', 'TRAINING', 'TESTING', 'DONE', 'FAILED')),
  reason        TEXT,
  consent_until BIGINT NOT NULL,
  consent_json  TEXT   NOT NULL,
  aligned_rows  BIGINT NOT NULL,
  reports_json  TEXT   NOT NULL,
  shares_json   TEXT   NOT NULL,
  metrics_json  TEXT   NOT NULL,
  model_id      TEXT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
