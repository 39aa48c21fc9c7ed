-- Campaigns (活动): what to send to which segment through which vendor, and their state.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    segment_id INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    sandbox INTEGER NOT NULL DEFAULT 0,
    signature TEXT NOT NULL,
    -- JSON of the provider `Content` (free text with {$var} slots, or a template id + params).
    content TEXT NOT NULL,
    -- JSON array of bindings, one per slot/parameter: attribute and fallback.
    bindings TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    status_reason TEXT,
    scheduled_at INTEGER,
    -- Idempotency key of the start request: one start per key.
    start_key TEXT UNIQUE,
    planned INTEGER,
    units INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    updated_at INTEGER NOT NULL
);

-- The snapshot taken at start: one row per phone. Status moves queued → sending (claimed into
-- a batch before the vendor call) → submitted | failed | unknown, or back to queued only when
-- the vendor rejected the whole request.
CREATE TABLE recipients (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    user_rowid INTEGER NOT NULL,
    phone TEXT NOT NULL,
    vals TEXT NOT NULL,
    status TEXT NOT NULL,
    batch_id INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    msg_id TEXT,
    code TEXT,
    reason TEXT,
    submitted_at INTEGER,
    UNIQUE (campaign_id, phone)
);
CREATE INDEX recipients_claim ON recipients(campaign_id, status, next_at, id);
CREATE INDEX recipients_phone ON recipients(phone);

-- Every vendor request: our uid (sent as Chuanglan `uid` / Aliyun `OutId`), outcome, msgId.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    uid TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    endpoint TEXT,
    msg_id TEXT,
    code TEXT,
    reason TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX batches_campaign ON batches(campaign_id, status);
