-- An API token may expire (NULL: never). A token also stops working while the admin who
-- created it is disabled (checked at authentication, not stored).
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
