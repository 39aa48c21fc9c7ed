-- SMS recipients: one row per user id. `phone` is the normalized mainland mobile taken from
-- the attribute chosen on 短信配置 (NULL when missing or invalid).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    phone TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_phone ON users(phone);

-- The attribute catalog: name and type (string, number, boolean, datetime).
CREATE TABLE attributes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Attribute values, clustered by attribute so one attribute's column reads sequentially.
-- Strings are TEXT, numbers REAL, booleans 0/1, datetimes Unix seconds.
CREATE TABLE user_values (
    attr_id INTEGER NOT NULL,
    user_rowid INTEGER NOT NULL,
    value NOT NULL,
    PRIMARY KEY (attr_id, user_rowid)
) WITHOUT ROWID;

-- One row per import run with its summary and the first bad rows (JSON).
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_ok INTEGER NOT NULL DEFAULT 0,
    rows_bad INTEGER NOT NULL DEFAULT 0,
    users_new INTEGER NOT NULL DEFAULT 0,
    users_updated INTEGER NOT NULL DEFAULT 0,
    bad_rows TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    actor TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER
);

-- Append-only record of sensitive actions (e.g. revealing a full phone number).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
