// Enrollment until first use (decision 0012): an enrollment token keeps working until the credential
// it produced has been presented once, each use of it replaces the unconfirmed credential, and races
// (token against token, token against its credential) leave exactly one working credential. Expiry,
// re-registration and deletion behave as before.
import { randomBytes } from 'node:crypto';
import type { AgentAuth, WelcomeMessage } from '@palisade/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, sha256 } from './support/harness.js';
import { TestTunnelClient } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let url: string;

beforeAll(async () => {
  h = await GatewayHarness.start();
  url = h.url(await h.gateway());
});
afterAll(async () => h.stop());

type Outcome =
  | { readonly ok: true; readonly welcome: WelcomeMessage }
  | { readonly ok: false; readonly reason: string; readonly detail: string | undefined };

/** What a hello sent on `client` came to: its welcome, or the close that refused it. */
async function outcomeOf(client: TestTunnelClient): Promise<Outcome> {
  return client.next('welcome').then(
    (welcome) => ({ ok: true, welcome }),
    async () => {
      const closed = await client.closed;
      return { ok: false, reason: closed.reason, detail: closed.message?.message };
    },
  );
}

/** One hello on a fresh connection, closed politely afterwards. */
async function attempt(auth: AgentAuth): Promise<Outcome> {
  const client = await TestTunnelClient.connect(url);
  client.hello(auth);
  const outcome = await outcomeOf(client);
  if (!client.isClosed) await client.closeAndWait();
  return outcome;
}

async function works(credential: string): Promise<boolean> {
  return (await attempt({ kind: 'credential', credential })).ok;
}

function issued(outcome: Outcome): string {
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason} (${String(outcome.detail)})`);
  const { credential } = outcome.welcome;
  if (credential === null) throw new Error('the welcome carried no credential');
  return credential;
}

/** Enrolls and then dies before storing anything: the credential reached the agent and was lost. */
async function enrollAndCrash(token: string): Promise<string> {
  const client = await TestTunnelClient.connect(url);
  client.hello({ kind: 'enrollment', token });
  const welcome = await client.next('welcome');
  client.destroy();
  await client.closed;
  return welcome.credential!;
}

const USED = {
  ok: false,
  reason: 'unauthenticated',
  detail: 'the enrollment token is not valid or was already used',
} as const;

describe('an enrollment token whose credential was never used', () => {
  it('issues a new credential to an agent that lost the first one, and only the latest works', async () => {
    const { clusterId, token } = await h.newCluster();
    const lost = await enrollAndCrash(token);
    const alsoLost = await enrollAndCrash(token);

    const again = await attempt({ kind: 'enrollment', token });
    const latest = issued(again);
    expect(again.ok && again.welcome.clusterId).toBe(clusterId);
    expect(new Set([lost, alsoLost, latest]).size).toBe(3);

    expect(await works(lost)).toBe(false);
    expect(await works(alsoLost)).toBe(false);
    expect(await works(latest)).toBe(true);
    expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(sha256(latest));
  });

  it('is spent for good by the first hello with its credential, exactly as a used token was before', async () => {
    const { clusterId, token } = await h.newCluster();
    const credential = issued(await attempt({ kind: 'enrollment', token }));
    expect(await h.cluster(clusterId)).toMatchObject({
      enrollment_token_hash: sha256(token),
      credential_token_hash: sha256(token),
    });

    expect(await works(credential)).toBe(true);
    expect(await h.cluster(clusterId)).toMatchObject({
      enrollment_token_hash: null,
      enrollment_expires_at: null,
      credential_token_hash: null,
      credential_hash: sha256(credential),
    });
    expect(await attempt({ kind: 'enrollment', token })).toEqual(USED);
    expect(await works(credential)).toBe(true);
  });
});

describe('credential.stored (decision 0059)', () => {
  it('spends the token on the enrolling session itself, which stays open', async () => {
    const { clusterId, token } = await h.newCluster();
    const client = await TestTunnelClient.connect(url);
    client.hello({ kind: 'enrollment', token });
    const credential = (await client.next('welcome')).credential!;
    client.send({ type: 'credential.stored' });
    await waitFor(
      async () => (await h.cluster(clusterId))?.['enrollment_token_hash'] === null,
      'the token spent',
    );
    expect(await h.cluster(clusterId)).toMatchObject({
      credential_token_hash: null,
      credential_hash: sha256(credential),
    });
    expect(await attempt({ kind: 'enrollment', token })).toEqual(USED);
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
    expect(await works(credential)).toBe(true);
  });

  it('is ignored on a session that was not an enrollment', async () => {
    const { clusterId, token } = await h.newCluster();
    const credential = issued(await attempt({ kind: 'enrollment', token }));
    // Re-registered meanwhile: a new token the old credential must not spend by saying "stored".
    const fresh = `pen_${randomBytes(32).toString('base64url')}`;
    await h.sql.query('UPDATE clusters SET enrollment_token_hash = $2 WHERE id = $1', [
      clusterId,
      sha256(fresh),
    ]);
    const client = await TestTunnelClient.connect(url);
    client.hello({ kind: 'credential', credential });
    await client.next('welcome');
    client.send({ type: 'credential.stored' });
    client.send({ type: 'heartbeat', sentAtMs: Date.now() });
    await client.closeAndWait();
    expect((await h.cluster(clusterId))?.['enrollment_token_hash']).toEqual(sha256(fresh));
  });
});

describe('races', () => {
  it('lets hellos racing with the same token leave exactly one working credential', async () => {
    for (let round = 0; round < 3; round++) {
      const { clusterId, token } = await h.newCluster();
      // A lost first credential leaves the token in use but unconfirmed, the state the racers share.
      const lost = await enrollAndCrash(token);
      const racers = await Promise.all([1, 2, 3, 4].map(() => TestTunnelClient.connect(url)));
      for (const racer of racers) racer.hello({ kind: 'enrollment', token });
      const outcomes = await Promise.all(racers.map(outcomeOf));
      for (const racer of racers) racer.destroy();
      const delivered = outcomes.flatMap((o) => (o.ok ? [issued(o)] : []));
      expect(delivered.length).toBeGreaterThan(0);

      const working: string[] = [];
      for (const credential of [lost, ...delivered]) if (await works(credential)) working.push(credential);
      expect(working).toHaveLength(1);
      expect(delivered).toContain(working[0]);
      expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(sha256(working[0]!));
      expect(await attempt({ kind: 'enrollment', token })).toEqual(USED);
    }
  });

  it('lets a token racing the credential it produced win only one way', async () => {
    for (let round = 0; round < 3; round++) {
      const { token } = await h.newCluster();
      const first = issued(await attempt({ kind: 'enrollment', token }));
      const [byCredential, byToken] = await Promise.all([
        TestTunnelClient.connect(url),
        TestTunnelClient.connect(url),
      ]);
      byCredential.hello({ kind: 'credential', credential: first });
      byToken.hello({ kind: 'enrollment', token });
      const [credentialOutcome, tokenOutcome] = await Promise.all([
        outcomeOf(byCredential),
        outcomeOf(byToken),
      ]);
      byCredential.destroy();
      byToken.destroy();

      const candidates = tokenOutcome.ok ? [first, issued(tokenOutcome)] : [first];
      const working: string[] = [];
      for (const credential of candidates) if (await works(credential)) working.push(credential);
      expect(working).toHaveLength(1);
      // The credential's hello either confirmed it (and the token lost) or came after the token replaced it.
      expect(credentialOutcome.ok).toBe(working[0] === first);
      expect(tokenOutcome.ok).toBe(working[0] !== first);
    }
  });
});

describe('expiry, re-registration and revocation', () => {
  it('refuses an expired token with token_expired, while the credential it issued still works', async () => {
    const { clusterId, token } = await h.newCluster();
    const credential = issued(await attempt({ kind: 'enrollment', token }));
    await h.sql.query(
      `UPDATE clusters SET enrollment_expires_at = now() - interval '1 second' WHERE id = $1`,
      [clusterId],
    );
    expect(await attempt({ kind: 'enrollment', token })).toMatchObject({
      ok: false,
      reason: 'token_expired',
    });
    expect(await works(credential)).toBe(true);
    expect(await attempt({ kind: 'enrollment', token })).toEqual(USED);
  });

  it('re-registering replaces the token; the unconfirmed credential still confirms without spending the new one', async () => {
    const { clusterId, token } = await h.newCluster();
    const first = issued(await attempt({ kind: 'enrollment', token }));
    // What ClustersRepository.setEnrollment writes on re-registration.
    const newToken = `pen_${randomBytes(32).toString('base64url')}`;
    await h.sql.query(
      `UPDATE clusters SET enrollment_token_hash = $2, enrollment_expires_at = now() + interval '24 hours'
        WHERE id = $1`,
      [clusterId, sha256(newToken)],
    );

    expect(await attempt({ kind: 'enrollment', token })).toEqual(USED);
    expect(await works(first)).toBe(true);
    expect((await h.cluster(clusterId))?.['enrollment_token_hash']).toEqual(sha256(newToken));

    const second = issued(await attempt({ kind: 'enrollment', token: newToken }));
    expect(await works(first)).toBe(false);
    expect(await works(second)).toBe(true);
    expect(await attempt({ kind: 'enrollment', token: newToken })).toEqual(USED);
  });

  it('refuses the token and the unconfirmed credential of a deleted cluster or a revoked credential', async () => {
    const deleted = await h.newCluster();
    const deletedCredential = issued(await attempt({ kind: 'enrollment', token: deleted.token }));
    await h.sql.query('DELETE FROM clusters WHERE id = $1', [deleted.clusterId]);
    expect(await attempt({ kind: 'enrollment', token: deleted.token })).toEqual(USED);
    expect(await works(deletedCredential)).toBe(false);

    const revoked = await h.newCluster();
    const revokedCredential = issued(await attempt({ kind: 'enrollment', token: revoked.token }));
    await h.sql.query('UPDATE clusters SET credential_hash = NULL WHERE id = $1', [revoked.clusterId]);
    expect(await works(revokedCredential)).toBe(false);
    expect(await attempt({ kind: 'enrollment', token: revoked.token })).toEqual(USED);
  });
});
