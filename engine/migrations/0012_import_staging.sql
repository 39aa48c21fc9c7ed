-- An import is read into a staging file first and applied in short transactions; while it is
-- being applied its record is `applying` and `staging` holds the file and its columns (JSON),
-- so an apply cut short by a crash is completed at the next start.
ALTER TABLE imports ADD COLUMN staging TEXT;
