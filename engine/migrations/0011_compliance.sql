-- Compliance (合规): message type per campaign, a per-campaign send-window override, the
-- suppression list (退订名单) and per-phone send counts for frequency caps.
ALTER TABLE campaigns ADD COLUMN kind TEXT NOT NULL DEFAULT 'marketing';
-- Minutes of the Beijing day, [start, end); NULL uses the installation's window.
ALTER TABLE campaigns ADD COLUMN window_start INTEGER;
ALTER TABLE campaigns ADD COLUMN window_end INTEGER;
-- When a campaign held outside its window (status 'waiting') resumes by itself.
ALTER TABLE campaigns ADD COLUMN resume_at INTEGER;

-- One row per suppressed phone: where the opt-out came from and when. Removing a phone deletes
-- its row; both are written to the audit log (manual changes) or carry the reply (replies).
CREATE TABLE suppressions (
    phone TEXT PRIMARY KEY,
    -- 'reply' (上行 R/退订…), 'manual', 'import', 'api'
    source TEXT NOT NULL,
    vendor TEXT NOT NULL DEFAULT '',
    -- The reply's text, or the operator's reason.
    detail TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX suppressions_created ON suppressions(created_at);

-- Marketing messages claimed for sending per phone and Beijing calendar day (days since the
-- epoch in UTC+8). Incremented in the claim transaction, so concurrent campaigns share caps.
CREATE TABLE send_counts (
    phone INTEGER NOT NULL,
    day INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (phone, day)
) WITHOUT ROWID;

-- Whether a batch's phones were counted against the caps (at its first claim; retries of the
-- same request are not counted again).
ALTER TABLE batches ADD COLUMN gated INTEGER NOT NULL DEFAULT 0;

-- When the campaign's ledger rows were purged after the retention period.
ALTER TABLE campaigns ADD COLUMN purged_at INTEGER;
