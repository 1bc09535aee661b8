-- SCIM 2.0 provisioning per organisation (docs/decisions/0111, 0112). An owner issues one bearer
-- token at a time (stored as SHA-256, shown once); the IdP then creates, updates and deactivates
-- users and groups under /scim/v2/orgs/<slug>/. A SCIM user is the organisation's record of a
-- Palisade user (linked by email) and carries the SCIM resource as the IdP last wrote it; a SCIM
-- group may be mapped by an owner to an organisation role. Tables are prefixed scim_ so they never
-- meet the SSO connections' own group mappings.

SET LOCAL ROLE palisade_system;

CREATE TABLE scim_tokens (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  token_prefix       text NOT NULL,
  token_hash         bytea NOT NULL UNIQUE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  last_used_at       timestamptz,
  revoked_at         timestamptz
);
CREATE INDEX scim_tokens_org_idx ON scim_tokens (org_id, created_at DESC);
-- One live token per organisation: issuing a new one revokes the old in the same transaction.
CREATE UNIQUE INDEX scim_tokens_one_live ON scim_tokens (org_id) WHERE revoked_at IS NULL;

CREATE TABLE scim_users (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_name    text NOT NULL CHECK (length(user_name) BETWEEN 1 AND 320),
  external_id  text CHECK (length(external_id) <= 256),
  display_name text CHECK (length(display_name) <= 256),
  active       boolean NOT NULL DEFAULT true,
  resource     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- userName is unique regardless of case (RFC 7643 §4.1.1: caseExact false).
  user_name_key text GENERATED ALWAYS AS (lower(user_name)) STORED,
  UNIQUE (org_id, user_id),
  UNIQUE (org_id, user_name_key)
);
CREATE INDEX scim_users_external_idx ON scim_users (org_id, external_id);

CREATE TABLE scim_groups (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 256),
  external_id  text CHECK (length(external_id) <= 256),
  role         text CHECK (role IN ('owner', 'admin', 'editor', 'viewer', 'auditor')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  display_name_key text GENERATED ALWAYS AS (lower(display_name)) STORED,
  UNIQUE (org_id, display_name_key)
);

CREATE TABLE scim_group_members (
  org_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  group_id     uuid NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
  scim_user_id uuid NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, scim_user_id)
);
CREATE INDEX scim_group_members_user_idx ON scim_group_members (scim_user_id);

ALTER TABLE scim_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY scim_tokens_tenant ON scim_tokens
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
ALTER TABLE scim_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_users FORCE ROW LEVEL SECURITY;
CREATE POLICY scim_users_tenant ON scim_users
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
ALTER TABLE scim_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY scim_groups_tenant ON scim_groups
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
ALTER TABLE scim_group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY scim_group_members_tenant ON scim_group_members
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE ON scim_tokens TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON scim_users TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON scim_groups TO palisade_app;
GRANT SELECT, INSERT, DELETE ON scim_group_members TO palisade_app;

-- A SCIM request names its organisation by slug and carries a bearer token, before any tenant
-- context exists: this definer function is the one door through RLS for it. It answers one row
-- when the organisation exists (so a refused request can be audited in it), with the token's id
-- only when the token is this organisation's; it records the token's last use at most every 30 s.
CREATE FUNCTION authenticate_scim_token(p_slug text, p_hash bytea)
RETURNS TABLE (org_id uuid, org_slug text, org_name text, org_created_at timestamptz,
               token_id uuid, revoked_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE scim_tokens t SET last_used_at = now()
    FROM organizations o
   WHERE o.slug = p_slug AND t.org_id = o.id AND t.token_hash = p_hash AND t.revoked_at IS NULL
     AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '30 seconds');
  RETURN QUERY SELECT o.id, o.slug, o.name, o.created_at, t.id, t.revoked_at
                 FROM organizations o
                 LEFT JOIN scim_tokens t ON t.org_id = o.id AND t.token_hash = p_hash
                WHERE o.slug = p_slug;
END
$$;
REVOKE ALL ON FUNCTION authenticate_scim_token(text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authenticate_scim_token(text, bytea) TO palisade_app;
