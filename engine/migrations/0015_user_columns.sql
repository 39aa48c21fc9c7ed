-- Attribute values by column: one row per attribute and block of 1,024 user row ids, the
-- values in one blob (format in engine/src/users/columns.rs). Replaces the row-per-value
-- `user_values` table; an existing installation's values are converted at the next start
-- (users::columns::convert_legacy), which then drops the old table.
CREATE TABLE user_columns (
    attr_id INTEGER NOT NULL,
    block INTEGER NOT NULL,
    present INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (attr_id, block)
);

-- Phone lookup (用户细查, list segments) without an index on users(phone): that index takes
-- phones in random order, and maintained row by row it made an import's short transactions
-- rewrite most of its pages on every commit (17 s of a 1M-user import). Imports write this
-- table at their end in phone order instead. An entry may outlive a phone change; lookups join
-- users and check users.phone, so a stale entry is never a match.
DROP INDEX users_phone;
CREATE TABLE user_phones (
    phone TEXT NOT NULL,
    user_rowid INTEGER NOT NULL,
    PRIMARY KEY (phone, user_rowid)
) WITHOUT ROWID;
INSERT INTO user_phones (phone, user_rowid) SELECT phone, id FROM users WHERE phone IS NOT NULL ORDER BY phone;
