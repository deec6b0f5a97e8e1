-- 002: tokens may expire (NULL: never); lists page by keyset on (created_at, id), so each listed
-- table gets that index (never OFFSET over big tables).
ALTER TABLE tokens ADD COLUMN expires_at timestamptz;
CREATE INDEX datasets_created_idx ON datasets (created_at, id);
CREATE INDEX scenarios_created_idx ON scenarios (created_at, id);
CREATE INDEX plans_created_idx ON plans (created_at, id);
CREATE INDEX tokens_created_idx ON tokens (created_at, id);
