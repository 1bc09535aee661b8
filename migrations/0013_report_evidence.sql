-- Signed evidence (issue 15, decision 0068): the platform's evidence signing keys and each report
-- run's signed archive.
--
-- evidence_signing_keys  ECDSA P-256 keys. The private key is stored encrypted (AES-256-GCM under
--                        EVIDENCE_KEY_ENCRYPTION_KEY, which only the API and worker hold); the public
--                        key is published. Exactly one key is active (not_after IS NULL); rotation
--                        closes it and adds the next in one transaction. Rows are never deleted, so
--                        every signature ever made stays verifiable. Platform-wide, not per tenant.
-- report_evidence        per succeeded run: the manifest (also inside the archive) and the zip an
--                        auditor downloads (files, manifest.json, manifest.sig, SHA256SUMS).

SET LOCAL ROLE palisade_system;

CREATE TABLE evidence_signing_keys (
  id              text PRIMARY KEY CHECK (id ~ '^pal-ev-[0-9]{8}-[0-9a-f]{8}$'),
  algorithm       text NOT NULL CHECK (algorithm = 'ECDSA-P256-SHA256'),
  public_key_pem  text NOT NULL,
  private_key_enc bytea NOT NULL,
  not_before      timestamptz NOT NULL DEFAULT now(),
  not_after       timestamptz,
  CHECK (not_after IS NULL OR not_after >= not_before)
);
CREATE UNIQUE INDEX evidence_signing_keys_one_active ON evidence_signing_keys ((true)) WHERE not_after IS NULL;

CREATE FUNCTION evidence_signing_keys_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'evidence signing keys are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id <> OLD.id OR NEW.public_key_pem <> OLD.public_key_pem OR NEW.private_key_enc <> OLD.private_key_enc
     OR NEW.not_before <> OLD.not_before OR OLD.not_after IS NOT NULL THEN
    RAISE EXCEPTION 'an evidence signing key only ever gets its not_after, once' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER evidence_signing_keys_keep BEFORE UPDATE OR DELETE ON evidence_signing_keys
  FOR EACH ROW EXECUTE FUNCTION evidence_signing_keys_keep();

CREATE TABLE report_evidence (
  run_id         uuid PRIMARY KEY REFERENCES report_runs (id) ON DELETE CASCADE,
  org_id         uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  key_id         text NOT NULL REFERENCES evidence_signing_keys (id),
  manifest       jsonb NOT NULL CHECK (jsonb_typeof(manifest) = 'object'),
  archive        bytea NOT NULL,
  archive_sha256 text NOT NULL CHECK (archive_sha256 ~ '^[0-9a-f]{64}$'),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_evidence_org_idx ON report_evidence (org_id);

ALTER TABLE report_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_evidence FORCE ROW LEVEL SECURITY;
CREATE POLICY report_evidence_tenant ON report_evidence
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- Keys are platform-wide (no RLS, like users): the API publishes the public halves, the worker
-- signs. Private halves are only useful with the encryption key from the environment.
GRANT SELECT, INSERT, UPDATE ON evidence_signing_keys TO palisade_app;
GRANT SELECT, INSERT ON report_evidence TO palisade_app;
