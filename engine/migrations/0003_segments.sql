-- Segments (分群). A rule segment stores its rule as JSON and is evaluated live; a list
-- segment stores its members (uploaded user ids) in segment_members. The cached counts are
-- refreshed whenever a count is computed and only feed the list page.
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('rule', 'list')),
    rule TEXT,
    description TEXT NOT NULL DEFAULT '',
    cached_members INTEGER,
    cached_with_phone INTEGER,
    counted_at INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE segment_members (
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    user_rowid INTEGER NOT NULL,
    PRIMARY KEY (segment_id, user_rowid)
) WITHOUT ROWID;
