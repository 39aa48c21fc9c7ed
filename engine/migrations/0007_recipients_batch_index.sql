-- Recording a batch outcome updates its recipients by batch id; without this index each
-- record scanned the whole campaign.
CREATE INDEX recipients_batch ON recipients(batch_id);
