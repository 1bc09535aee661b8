-- Foundation schema: users, organisations, memberships, invitations, API tokens, sessions and the
-- hash-chained audit log.
--
-- Roles (cluster-wide, created idempotently):
--   palisade_system  owns every table, bypasses RLS; used by migrations and cross-tenant jobs.
--   palisade_app     what the API connects as; owns nothing, never bypasses RLS.
-- Tenancy: every tenant table has org_id, ROW LEVEL SECURITY is FORCEd, and policies compare it to
-- the per-transaction setting app.org_id (set with set_config(..., true) by the API). A few rows
-- are also visible to their own user (app.user_id / app.user_email) so a user can list their
-- organisations and pending invitations before choosing one.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'palisade_system') THEN
    CREATE ROLE palisade_system LOGIN BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'palisade_app') THEN
    CREATE ROLE palisade_app LOGIN NOBYPASSRLS;
  END IF;
END
$$;

GRANT USAGE, CREATE ON SCHEMA public TO palisade_system;
GRANT USAGE ON SCHEMA public TO palisade_app;
SET LOCAL ROLE palisade_system;

-- Current tenant context. Empty settings read as NULL so policies fail closed.
CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;
CREATE FUNCTION app_current_user() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;
CREATE FUNCTION app_current_email() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.user_email', true), '') $$;

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  oidc_issuer   text,
  oidc_subject  text,
  email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  name          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  UNIQUE (oidc_issuer, oidc_subject),
  UNIQUE (email)
);

CREATE TABLE organizations (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer', 'auditor')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email       text NOT NULL CHECK (email = lower(email)),
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer', 'auditor')),
  invited_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at  timestamptz
);
CREATE INDEX invitations_org_idx ON invitations (org_id, created_at DESC);
CREATE INDEX invitations_email_idx ON invitations (email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX invitations_open_unique ON invitations (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE api_tokens (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role               text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer', 'auditor')),
  token_prefix       text NOT NULL,
  token_hash         bytea NOT NULL UNIQUE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  expires_at         timestamptz,
  last_used_at       timestamptz,
  revoked_at         timestamptz
);
CREATE INDEX api_tokens_org_idx ON api_tokens (org_id, created_at DESC);

CREATE TABLE sessions (
  id_hash      bytea PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_secret  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Audit: append-only, hash-chained per organisation. audit_heads holds the chain head; appending
-- locks that row, which serialises appends within one organisation only.
CREATE TABLE audit_heads (
  org_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  seq    bigint NOT NULL,
  hash   bytea NOT NULL
);

CREATE TABLE audit_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  seq         bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_type  text NOT NULL CHECK (actor_type IN ('user', 'token', 'system')),
  actor_id    text,
  actor_label text NOT NULL,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  before      jsonb,
  after       jsonb,
  prev_hash   bytea NOT NULL,
  hash        bytea NOT NULL,
  UNIQUE (org_id, seq)
);
CREATE INDEX audit_events_org_time_idx ON audit_events (org_id, occurred_at DESC, seq DESC);
CREATE INDEX audit_events_org_action_idx ON audit_events (org_id, action);
CREATE INDEX audit_events_org_target_idx ON audit_events (org_id, target_type, target_id);

CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_immutable();

-- Row-level security.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY organizations_tenant ON organizations
  USING (id = app_current_org()
         OR id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = app_current_user())
         OR id IN (SELECT i.org_id FROM invitations i WHERE i.email = app_current_email()
                   AND i.accepted_at IS NULL AND i.revoked_at IS NULL))
  WITH CHECK (id = app_current_org());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_tenant ON memberships
  USING (org_id = app_current_org() OR user_id = app_current_user())
  WITH CHECK (org_id = app_current_org());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY invitations_tenant ON invitations
  USING (org_id = app_current_org() OR email = app_current_email())
  WITH CHECK (org_id = app_current_org());

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY api_tokens_tenant ON api_tokens
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_heads_tenant ON audit_heads
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_tenant ON audit_events
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- Bearer tokens arrive before the organisation is known: this definer function is the one narrow
-- door through RLS. It returns the token's identity by hash and records its last use (at most
-- every 30 s, so a busy token does not write on every request).
CREATE FUNCTION authenticate_api_token(p_hash bytea)
RETURNS TABLE (id uuid, org_id uuid, name text, role text, expires_at timestamptz, revoked_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE api_tokens t SET last_used_at = now()
   WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
     AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '30 seconds');
  RETURN QUERY SELECT t.id, t.org_id, t.name, t.role, t.expires_at, t.revoked_at
                 FROM api_tokens t WHERE t.token_hash = p_hash;
END
$$;
REVOKE ALL ON FUNCTION authenticate_api_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authenticate_api_token(bytea) TO palisade_app;

-- Which organisation a slug names, for a caller who may see it (RLS applies: definer is NOT used).
GRANT SELECT, INSERT, UPDATE ON organizations TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON invitations TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON api_tokens TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON users TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON audit_heads TO palisade_app;
GRANT SELECT, INSERT ON audit_events TO palisade_app;
