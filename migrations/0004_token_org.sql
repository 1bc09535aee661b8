-- Token authentication also answers "which organisation": authenticate_api_token returns the
-- token's organisation (id, slug, name, created_at) with its identity, so a request made with a
-- token resolves its organisation scope without a second read (docs/decisions/0011).
-- The function stays the one narrow door through RLS: it still looks a token up only by the hash of
-- its secret, and the organisation it returns is the token's own.

SET LOCAL ROLE palisade_system;

DROP FUNCTION authenticate_api_token(bytea);

CREATE FUNCTION authenticate_api_token(p_hash bytea)
RETURNS TABLE (id uuid, org_id uuid, name text, role text, expires_at timestamptz, revoked_at timestamptz,
               org_slug text, org_name text, org_created_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE api_tokens t SET last_used_at = now()
   WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
     AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '30 seconds');
  RETURN QUERY SELECT t.id, t.org_id, t.name, t.role, t.expires_at, t.revoked_at,
                      o.slug, o.name, o.created_at
                 FROM api_tokens t JOIN organizations o ON o.id = t.org_id
                WHERE t.token_hash = p_hash;
END
$$;
REVOKE ALL ON FUNCTION authenticate_api_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authenticate_api_token(bytea) TO palisade_app;
