import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretCredentialStore } from '../src/credentials/secret-store.js';
import { FakeKubeApi, status } from './support/fake-kube-api.js';

describe('Secret credential store against a recorded API server', () => {
  let api: FakeKubeApi;
  beforeEach(async () => {
    api = await FakeKubeApi.start();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('reads nothing, creates the Secret, then replaces it with its resourceVersion', async () => {
    const store = new SecretCredentialStore(api.kubeConfig(), 'palisade-system', 'palisade-agent-credential');
    expect(store.description).toBe('secret palisade-system/palisade-agent-credential');
    expect(await store.load()).toBeNull();

    await store.save({ credential: 'pcc_first_credential', clusterId: 'c-1', enrollmentTokenSha256: 'ab12' });
    const created = api.requests.find((r) => r.method === 'POST')!;
    expect(created.path).toBe('/api/v1/namespaces/palisade-system/secrets');
    expect(created.body).toMatchObject({
      metadata: {
        name: 'palisade-agent-credential',
        namespace: 'palisade-system',
        labels: { 'app.kubernetes.io/managed-by': 'palisade-agent' },
      },
      type: 'Opaque',
      data: {
        credential: Buffer.from('pcc_first_credential').toString('base64'),
        clusterId: Buffer.from('c-1').toString('base64'),
        enrollmentTokenSha256: Buffer.from('ab12').toString('base64'),
      },
    });
    expect(await store.load()).toEqual({
      credential: 'pcc_first_credential',
      clusterId: 'c-1',
      enrollmentTokenSha256: 'ab12',
    });

    await store.save({
      credential: 'pcc_rotated_credential',
      clusterId: 'c-1',
      enrollmentTokenSha256: 'ab12',
    });
    const replaced = api.requests.find((r) => r.method === 'PUT')!;
    expect(replaced.path).toBe('/api/v1/namespaces/palisade-system/secrets/palisade-agent-credential');
    expect(replaced.body).toMatchObject({ metadata: { resourceVersion: '2' } });
    expect((await store.load())!.credential).toBe('pcc_rotated_credential');
    expect(new Set(api.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer test-token']));
  });

  it('fails loudly, naming the Secret and the missing permission, when RBAC refuses', async () => {
    api.script(
      'POST /api/v1/namespaces/palisade-system/secrets',
      status(403, 'Forbidden', 'secrets is forbidden'),
    );
    const store = new SecretCredentialStore(api.kubeConfig(), 'palisade-system', 'palisade-agent-credential');
    await expect(
      store.save({ credential: 'pcc_first_credential', clusterId: null, enrollmentTokenSha256: null }),
    ).rejects.toThrow(
      'the Kubernetes API forbids the agent to write secret palisade-system/palisade-agent-credential (403 Forbidden)',
    );
  });
});
