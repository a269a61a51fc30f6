-- Fedge hub schema, version 2: the Merkle ledger (SQLite). Keep in step with V2__ledger.postgresql.sql.
-- Hashes are lower-case hex of 32 bytes; timestamps epoch milliseconds UTC. See docs/ledger.md.

-- One row per leaf, append-only: idx is the leaf index (0, 1, 2, ... without gaps).
-- entry is the canonical JSON whose SHA-256(0x00 || entry) is leaf_hash.
CREATE TABLE ledger_entries (
  idx         INTEGER NOT NULL PRIMARY KEY CHECK (idx >= 0),
  entry_type  TEXT    NOT NULL,
  entry       TEXT    NOT NULL,
  leaf_hash   TEXT    NOT NULL CHECK (length(leaf_hash) = 64),
  dedupe_key  TEXT    UNIQUE,
  appended_at INTEGER NOT NULL
);

CREATE INDEX ledger_entries_type_idx ON ledger_entries (entry_type);
CREATE INDEX ledger_entries_leaf_idx ON ledger_entries (leaf_hash);

-- Roots of perfect subtrees at level >= 8 (256 leaves and up): (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Written in the same transaction as the leaf completing them.
CREATE TABLE ledger_subtrees (
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 63),
  idx   INTEGER NOT NULL CHECK (idx >= 0),
  hash  TEXT    NOT NULL CHECK (length(hash) = 64),
  PRIMARY KEY (level, idx)
);

-- Devices that get a receipt for an entry; sent_size is the checkpoint size the receipt was sent under.
CREATE TABLE ledger_recipients (
  idx       INTEGER NOT NULL REFERENCES ledger_entries (idx),
  device_id TEXT    NOT NULL,
  sent_size INTEGER,
  sent_at   INTEGER,
  PRIMARY KEY (idx, device_id)
);

CREATE INDEX ledger_recipients_pending_idx ON ledger_recipients (sent_size, idx);
CREATE INDEX ledger_recipients_device_idx ON ledger_recipients (device_id, sent_size);

-- Every signed checkpoint the hub published.
CREATE TABLE ledger_checkpoints (
  size      INTEGER NOT NULL PRIMARY KEY CHECK (size >= 0),
  root_hash TEXT    NOT NULL CHECK (length(root_hash) = 64),
  note      TEXT    NOT NULL,
  signed_at INTEGER NOT NULL
);

-- Checkpoints written to an external ledger (one row per anchor and checkpoint).
CREATE TABLE ledger_anchors (
  size        INTEGER NOT NULL REFERENCES ledger_checkpoints (size),
  anchor      TEXT    NOT NULL,
  reference   TEXT    NOT NULL,
  anchored_at INTEGER NOT NULL,
  PRIMARY KEY (size, anchor)
);

-- Alarms devices raised after a failed ledger check; ops clear them.
CREATE TABLE ledger_alarms (
  device_id  TEXT    NOT NULL,
  message_id TEXT    NOT NULL,
  raised_at  INTEGER NOT NULL,
  check_kind TEXT    NOT NULL,
  reason     TEXT    NOT NULL,
  cleared_at INTEGER,
  cleared_by TEXT,
  PRIMARY KEY (device_id, message_id)
);

CREATE INDEX ledger_alarms_open_idx ON ledger_alarms (cleared_at, raised_at);
