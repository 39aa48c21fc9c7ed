-- Team accounts: roles are 'admin', 'operator' and 'viewer' (existing accounts are admins).
ALTER TABLE accounts ADD COLUMN last_login_at INTEGER;
ALTER TABLE accounts ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- The audit log is append-only: the product has no code path that edits or deletes a row,
-- and these triggers refuse it from anywhere else that uses this database file.
ALTER TABLE audit_log ADD COLUMN ip TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- REST API tokens: only the SHA-256 of the token is kept; `prefix` (the first characters)
-- lets an admin tell tokens apart without the secret.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
