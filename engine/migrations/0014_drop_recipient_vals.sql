-- recipients.vals was written as '[]' for every row: the per-phone variables live in the
-- request payload (batch_payloads), which is what the sender and the ledger read.
ALTER TABLE recipients DROP COLUMN vals;
