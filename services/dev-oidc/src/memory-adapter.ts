// Storage for the provider's artefacts (sessions, interactions, codes, tokens, grants), in process
// memory and private to one provider instance, so two providers in one test process never share
// state. Entries are copied in and out, as a database would, so the provider cannot depend on
// mutating a stored object. Dev-only by design: a restart signs everybody out (decision 0004).
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt: number;
}

const GRANT_BOUND_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export function createMemoryAdapterFactory(now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, Entry>();
  const keysByGrant = new Map<string, Set<string>>();
  const keysBySessionUid = new Map<string, string>();
  const keysByUserCode = new Map<string, string>();

  function read(key: string | undefined): AdapterPayload | undefined {
    if (key === undefined) return undefined;
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.payload);
  }

  return (model: string): Adapter => {
    const keyFor = (id: string): string => `${model}:${id}`;

    return {
      upsert(id, payload, expiresIn) {
        const key = keyFor(id);
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : now() + expiresIn * 1000;
        entries.set(key, { payload: structuredClone(payload), expiresAt });
        if (model === 'Session' && payload.uid !== undefined) keysBySessionUid.set(payload.uid, key);
        if (payload.userCode !== undefined) keysByUserCode.set(payload.userCode, key);
        if (GRANT_BOUND_MODELS.has(model) && payload.grantId !== undefined) {
          const members = keysByGrant.get(payload.grantId) ?? new Set<string>();
          keysByGrant.set(payload.grantId, members.add(key));
        }
        return Promise.resolve();
      },
      find(id) {
        return Promise.resolve(read(keyFor(id)));
      },
      findByUid(uid) {
        const payload = read(keysBySessionUid.get(uid));
        return Promise.resolve(payload?.uid === uid ? payload : undefined);
      },
      findByUserCode(userCode) {
        const payload = read(keysByUserCode.get(userCode));
        return Promise.resolve(payload?.userCode === userCode ? payload : undefined);
      },
      consume(id) {
        const key = keyFor(id);
        const entry = entries.get(key);
        if (entry !== undefined) {
          entries.set(key, { ...entry, payload: { ...entry.payload, consumed: Math.floor(now() / 1000) } });
        }
        return Promise.resolve();
      },
      destroy(id) {
        entries.delete(keyFor(id));
        return Promise.resolve();
      },
      revokeByGrantId(grantId) {
        for (const key of keysByGrant.get(grantId) ?? []) entries.delete(key);
        keysByGrant.delete(grantId);
        return Promise.resolve();
      },
    };
  };
}
