-- A REST client's Idempotency-Key on create (scoped to its token): a retried create returns
-- the campaign the first attempt made instead of making a second one.
ALTER TABLE campaigns ADD COLUMN create_key TEXT;
CREATE UNIQUE INDEX campaigns_create_key ON campaigns(create_key) WHERE create_key IS NOT NULL;
