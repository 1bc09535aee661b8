-- Enrollment until first use (docs/decisions/0012): the gateway no longer clears the enrollment
-- token when it issues a credential for it, but when that credential is first presented in a hello.
-- Until then the token may be presented again (before it expires) and the new credential replaces
-- the unconfirmed one, so an agent that lost its credential before storing it can enroll again.
--
-- credential_token_hash  SHA-256 of the enrollment token the current credential was issued for, as
--                        long as that credential has not been used; NULL once it has. Credentials
--                        issued before this migration count as used (their token is already gone).
--                        Confirming clears the enrollment token only if it is still this one, so a
--                        token issued by re-registering meanwhile stays usable.
--
-- No grants: palisade_gateway and palisade_app hold table-wide SELECT/UPDATE on clusters (0002).

SET LOCAL ROLE palisade_system;

ALTER TABLE clusters ADD COLUMN credential_token_hash bytea;
