-- Per-organisation single sign-on (issue 17 item 1; decisions 0100–0104).
--
-- sso_connections      an organisation's own identity provider: OIDC (discovery URL, client id,
--                      client secret encrypted with AES-256-GCM, scopes, groups claim) or SAML 2.0
--                      (the IdP's metadata XML as given or fetched, and what was read from it).
-- sso_domains          email domains an organisation claims; verified by a DNS TXT record. A
--                      verified domain routes sign-in to its connection and may require SSO.
--                      A domain is verified by at most one organisation.
-- sso_group_mappings   IdP group -> role, per connection; evaluated at every SSO sign-in.
-- sso_identities       which user an IdP subject is, per connection, and the groups it last
--                      brought (for the "who would get what" preview).
SET LOCAL ROLE palisade_system;

CREATE TABLE sso_connections (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind                text NOT NULL CHECK (kind IN ('oidc', 'saml')),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  enabled             boolean NOT NULL DEFAULT true,
  -- The ID-token/userinfo claim (OIDC) or attribute (SAML) that lists the person's groups.
  groups_claim        text NOT NULL DEFAULT 'groups' CHECK (length(groups_claim) BETWEEN 1 AND 256),
  -- OIDC
  oidc_issuer         text,
  oidc_client_id      text,
  -- iv (12) | tag (16) | ciphertext, AES-256-GCM, associated data "sso-oidc-secret:<id>".
  oidc_client_secret_enc bytea,
  oidc_scopes         text,
  -- SAML
  saml_metadata_xml   text,
  saml_metadata_url   text,
  saml_idp_entity_id  text,
  saml_idp_sso_url    text,
  -- PEM certificates the IdP signs with (a JSON array of strings).
  saml_idp_certs      jsonb CHECK (saml_idp_certs IS NULL OR jsonb_typeof(saml_idp_certs) = 'array'),
  saml_clock_skew_seconds integer NOT NULL DEFAULT 60 CHECK (saml_clock_skew_seconds BETWEEN 0 AND 300),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  CHECK (kind <> 'oidc' OR (oidc_issuer IS NOT NULL AND oidc_client_id IS NOT NULL
                           AND oidc_client_secret_enc IS NOT NULL AND oidc_scopes IS NOT NULL)),
  CHECK (kind <> 'saml' OR (saml_metadata_xml IS NOT NULL AND saml_idp_entity_id IS NOT NULL
                           AND saml_idp_sso_url IS NOT NULL AND saml_idp_certs IS NOT NULL))
);
CREATE INDEX sso_connections_org_idx ON sso_connections (org_id, created_at);

CREATE TABLE sso_domains (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  domain        text NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
  -- The value the TXT record at _palisade-challenge.<domain> must hold.
  proof_token   text NOT NULL,
  verified_at   timestamptz,
  connection_id uuid REFERENCES sso_connections (id) ON DELETE SET NULL,
  require_sso   boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, domain),
  CHECK (NOT require_sso OR (verified_at IS NOT NULL AND connection_id IS NOT NULL))
);
CREATE UNIQUE INDEX sso_domains_verified_unique ON sso_domains (domain) WHERE verified_at IS NOT NULL;

CREATE TABLE sso_group_mappings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES sso_connections (id) ON DELETE CASCADE,
  group_name    text NOT NULL CHECK (length(group_name) BETWEEN 1 AND 256),
  -- Owners are never granted or taken away by an IdP (decision 0103).
  role          text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer', 'auditor')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, group_name)
);
CREATE INDEX sso_group_mappings_org_idx ON sso_group_mappings (org_id, connection_id);

CREATE TABLE sso_identities (
  org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES sso_connections (id) ON DELETE CASCADE,
  subject       text NOT NULL,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  last_groups   jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(last_groups) = 'array'),
  last_login_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, subject)
);
CREATE INDEX sso_identities_org_idx ON sso_identities (org_id, connection_id);
CREATE INDEX sso_identities_user_idx ON sso_identities (user_id);

ALTER TABLE sso_connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_connections FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_connections_tenant ON sso_connections
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE sso_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_domains_tenant ON sso_domains
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE sso_group_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_group_mappings FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_group_mappings_tenant ON sso_group_mappings
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE sso_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_identities_tenant ON sso_identities
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON sso_connections TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_domains TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_group_mappings TO palisade_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_identities TO palisade_app;

-- Sign-in starts before any organisation is known. These definer functions are the narrow doors:
-- which organisation and connection a verified email domain routes to, and which organisation a
-- connection id belongs to. They reveal nothing else.
CREATE FUNCTION sso_route_domain(p_domain text)
RETURNS TABLE (org_id uuid, org_slug text, connection_id uuid, require_sso boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT d.org_id, o.slug, c.id, d.require_sso
    FROM sso_domains d
    JOIN organizations o ON o.id = d.org_id
    LEFT JOIN sso_connections c ON c.id = d.connection_id AND c.enabled
   WHERE d.domain = lower(p_domain) AND d.verified_at IS NOT NULL
$$;
REVOKE ALL ON FUNCTION sso_route_domain(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sso_route_domain(text) TO palisade_app;

CREATE FUNCTION sso_connection_org(p_connection uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.org_id FROM sso_connections c WHERE c.id = p_connection
$$;
REVOKE ALL ON FUNCTION sso_connection_org(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sso_connection_org(uuid) TO palisade_app;
