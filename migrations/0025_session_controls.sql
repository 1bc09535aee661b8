-- Sessions a person can see and end (docs/decisions/0110): every session gets a public id (the
-- primary key stays the SHA-256 of the secret, which is never shown), and the browser and address
-- it was opened from, so a list of sessions means something to its owner. Per organisation, owners
-- may shorten how long a session may reach the organisation (from sign-in) and how long it may sit
-- idle (since its last request); null keeps the platform's SESSION_TTL and no idle limit.

SET LOCAL ROLE palisade_system;

ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE sessions ADD CONSTRAINT sessions_id_key UNIQUE (id);
ALTER TABLE sessions ADD COLUMN user_agent text CHECK (length(user_agent) <= 512);
ALTER TABLE sessions ADD COLUMN ip text CHECK (length(ip) <= 64);

CREATE TABLE session_policies (
  org_id               uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  max_lifetime_seconds integer CHECK (max_lifetime_seconds BETWEEN 900 AND 2592000),
  idle_timeout_seconds integer CHECK (idle_timeout_seconds BETWEEN 300 AND 2592000),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A member reads the policy of every organisation they belong to before one is chosen (the access
-- check joins it with the membership, in the user's context); only the organisation writes it.
ALTER TABLE session_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY session_policies_tenant ON session_policies
  USING (org_id = app_current_org()
         OR org_id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = app_current_user()))
  WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE ON session_policies TO palisade_app;
