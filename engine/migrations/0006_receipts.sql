-- Delivery reports (回执) as received, pulled or pushed, stored once per
-- (msgId, phone, status, reportTime) — the idempotency key Chuanglan §8.1 suggests.
CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    msg_id TEXT NOT NULL,
    phone TEXT NOT NULL,
    status TEXT NOT NULL,
    status_desc TEXT NOT NULL DEFAULT '',
    report_time TEXT NOT NULL DEFAULT '',
    notify_time TEXT NOT NULL DEFAULT '',
    uid TEXT,
    length INTEGER,
    received_at INTEGER NOT NULL,
    UNIQUE (msg_id, phone, status, report_time)
);
CREATE INDEX receipts_phone ON receipts(phone);
