-- 001 initial schema: datasets, committees (PostGIS), scenarios, plans and their approval history,
-- opinions, tokens and solve jobs. Never edit this file once released: add 002_….sql.
CREATE TABLE datasets (
  id text PRIMARY KEY,
  name text NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE committees (
  dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  id text NOT NULL,
  ord integer NOT NULL,
  name text NOT NULL,
  street_office text NOT NULL,
  households integer NOT NULL CHECK (households >= 0),
  -- every other Committee field (population, type, office, service, plaza, staff, partyMembers,
  -- station, selfContained, extra), as in geo/types.ts
  props jsonb NOT NULL DEFAULT '{}'::jsonb,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  PRIMARY KEY (dataset_id, id),
  UNIQUE (dataset_id, ord)
);
CREATE INDEX committees_geom_gix ON committees USING gist (geom);
CREATE INDEX committees_street_office_idx ON committees (dataset_id, street_office);

CREATE TABLE scenarios (
  id text PRIMARY KEY,
  dataset_id text REFERENCES datasets(id),
  name text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
  id text PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets(id),
  scenario_id text REFERENCES scenarios(id),
  kind text NOT NULL CHECK (kind IN ('solved', 'hand')),
  name text,
  scope text[] NOT NULL,
  summary jsonb,
  groups jsonb,
  state text NOT NULL DEFAULT 'draft'
    CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'filed')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  round integer NOT NULL DEFAULT 0 CHECK (round >= 0),
  parent_id text REFERENCES plans(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_dataset_idx ON plans (dataset_id);
CREATE INDEX plans_parent_idx ON plans (parent_id);
CREATE INDEX plans_scope_gin ON plans USING gin (scope);

CREATE TABLE plan_history (
  plan_id text NOT NULL REFERENCES plans(id),
  seq integer NOT NULL CHECK (seq >= 1),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_token_id text,
  role text NOT NULL,
  action text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  opinion text,
  agree boolean,
  version integer NOT NULL,
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE opinions (
  plan_id text NOT NULL REFERENCES plans(id),
  round integer NOT NULL,
  role text NOT NULL CHECK (role IN ('organisation', 'civil-affairs', 'establishment')),
  agree boolean NOT NULL,
  text text NOT NULL,
  actor_token_id text,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (plan_id, round, role)
);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('street-office', 'district-planner', 'organisation', 'civil-affairs',
    'establishment', 'district-government', 'city-civil-affairs', 'admin')),
  street_office text,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((role = 'street-office') = (street_office IS NOT NULL))
);

CREATE TABLE jobs (
  id text PRIMARY KEY,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  plan_id text REFERENCES plans(id),
  error text,
  params jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The audit trail is append-only in the database itself, whoever connects.
CREATE FUNCTION yizhan_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'yizhan: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE TRIGGER plan_history_append_only BEFORE UPDATE OR DELETE ON plan_history
  FOR EACH ROW EXECUTE FUNCTION yizhan_append_only();
CREATE TRIGGER plan_history_no_truncate BEFORE TRUNCATE ON plan_history
  FOR EACH STATEMENT EXECUTE FUNCTION yizhan_append_only();
CREATE TRIGGER opinions_append_only BEFORE UPDATE OR DELETE ON opinions
  FOR EACH ROW EXECUTE FUNCTION yizhan_append_only();
CREATE TRIGGER opinions_no_truncate BEFORE TRUNCATE ON opinions
  FOR EACH STATEMENT EXECUTE FUNCTION yizhan_append_only();
