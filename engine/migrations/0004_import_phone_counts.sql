-- Per-import counts shown on the 用户 page: rows whose phone was present but invalid, and
-- rows repeating a user id already seen in the same file (the later row wins).
ALTER TABLE imports ADD COLUMN phones_invalid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN duplicate_ids INTEGER NOT NULL DEFAULT 0;
