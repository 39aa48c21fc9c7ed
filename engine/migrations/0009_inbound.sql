-- Replies from phones (上行, Chuanglan §7.2/§8.2), stored once each; they feed opt-out later.
CREATE TABLE inbound (
    id INTEGER PRIMARY KEY,
    vendor TEXT NOT NULL,
    phone TEXT NOT NULL,
    content TEXT NOT NULL,
    mo_time TEXT NOT NULL DEFAULT '',
    sp_code TEXT NOT NULL DEFAULT '',
    dest_code TEXT NOT NULL DEFAULT '',
    notify_time TEXT NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    UNIQUE (vendor, phone, mo_time, content)
);
CREATE INDEX inbound_phone ON inbound(phone);
