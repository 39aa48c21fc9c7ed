-- Batch-level dispatch. The snapshot now plans the vendor requests themselves: each batch row
-- (`seq` set) has its own queue state and its messages in `batch_payloads` (JSON
-- `[[phone, v1, …], …]`, written once, kept apart so state updates rewrite a small row), and a
-- recipient row with status 'batch' follows its batch. Dispatch reads and writes one row per
-- request instead of one per phone.
CREATE TABLE batch_payloads (
    batch_id INTEGER PRIMARY KEY REFERENCES batches(id),
    payload TEXT NOT NULL
);
ALTER TABLE batches ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN seq INTEGER;
ALTER TABLE recipients ADD COLUMN units INTEGER NOT NULL DEFAULT 1;
-- Every vendor call of a batch, as answered (the batch row keeps only the latest).
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    n INTEGER NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    reason TEXT,
    msg_id TEXT,
    endpoint TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL
);
CREATE INDEX attempts_batch ON attempts(batch_id);
CREATE INDEX batches_claim ON batches(campaign_id, status, next_at);
CREATE INDEX batches_msg ON batches(msg_id);
CREATE INDEX receipts_msg ON receipts(msg_id, phone);

-- Recipients queued under the per-recipient model have no planned batch: they are cancelled with
-- a reason (nothing of theirs was sent), and so are the campaigns still waiting on them.
UPDATE recipients SET status = 'cancelled', reason = '升级前排队未发送，已取消；如需发送请复制活动重新开始'
WHERE status = 'queued';
UPDATE recipients SET status = 'unknown', code = 'interrupted',
    reason = '发送请求进行中时进程退出，结果未知；不会自动重发，待回执核对' WHERE status = 'sending';
UPDATE campaigns SET status = 'cancelled', status_reason = '升级前未发完的活动已取消，未发送的号码不会再发送'
WHERE status IN ('sending', 'paused') AND planned IS NOT NULL;
-- Old batch states in the shared vocabulary.
UPDATE batches SET status = CASE status WHEN 'accepted' THEN 'submitted' WHEN 'rejected' THEN 'failed'
    WHEN 'inflight' THEN 'unknown' WHEN 'released' THEN 'cancelled' ELSE status END;

-- One row per message with its effective state: a recipient in status 'batch' takes the state,
-- msgId, code and reason of its batch; older rows keep their own.
CREATE VIEW messages AS
SELECT r.id, r.campaign_id, r.user_rowid, r.phone, r.units, r.batch_id,
    CASE r.status WHEN 'batch' THEN b.status ELSE r.status END AS status,
    CASE r.status WHEN 'batch' THEN b.attempts ELSE r.attempts END AS attempts,
    COALESCE(r.msg_id, b.msg_id) AS msg_id,
    COALESCE(r.code, b.code) AS code,
    COALESCE(r.reason, b.reason) AS reason,
    CASE r.status WHEN 'batch' THEN CASE WHEN b.status = 'submitted' THEN b.finished_at END
        ELSE r.submitted_at END AS submitted_at,
    b.uid AS uid, b.endpoint AS endpoint, b.started_at AS sent_at
FROM recipients r LEFT JOIN batches b ON b.id = r.batch_id;
