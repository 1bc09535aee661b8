// The agent's policy writes against a test API server that follows server-side apply's ownership
// rules (support/server-side-apply.ts) rather than replacing objects: what another field manager
// set survives the agent's applies and drift reverts, what the agent stops setting goes away, and
// the agent's forced apply takes a field back from whoever changed it. Then the rules themselves,
// as the Kubernetes documentation states them: Update ownership, shared ownership, list types,
// no write for a no-op, watch events for changes, and the API server's 401 and 403 bodies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { KubePolicyCluster } from '../src/providers/kubernetes/kube-policy-cluster.js';
import { FakeKubeApi, serviceAccountUser } from './support/fake-kube-api.js';
import { RbacAuthorizer } from './support/rbac-authorizer.js';
import { build, fieldsOf, recordUpdate, serverSideApply } from './support/server-side-apply.js';

const COLLECTION = '/apis/networking.k8s.io/v1/networkpolicies';
const OBJECT = '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web';

const desired = (annotations: Record<string, string>) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
      annotations,
    },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
  }) as unknown as PolicyResource;

describe('server-side apply in the test API server', () => {
  let api: FakeKubeApi;
  let cluster: KubePolicyCluster;

  /** An apply by another field manager, as kubectl apply --server-side sends it. */
  async function applyAs(manager: string, body: unknown, force = false): Promise<number> {
    const query = new URLSearchParams({ fieldManager: manager, ...(force ? { force: 'true' } : {}) });
    const res = await fetch(`${api.url}${OBJECT}?${query.toString()}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(body),
    });
    return res.status;
  }
  /** The object as the server stores it (and as the next list returns it). */
  const stored = () =>
    api.lists.get(COLLECTION)!.items[0] as {
      metadata: {
        labels: Record<string, string>;
        annotations?: Record<string, string>;
        managedFields: { manager: string }[];
      };
      spec: { podSelector: { matchLabels: Record<string, string> } };
    };

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList(COLLECTION, [], '1');
    cluster = new KubePolicyCluster(api.kubeConfig());
  });
  afterEach(async () => {
    await api.stop();
  });

  it("keeps another manager's fields, drops the agent's own that it no longer sets, and takes back a changed field", async () => {
    await cluster.write(desired({ 'palisade.io/drift-mode': 'revert', 'palisade.io/note': 'v1' }));
    const labelledByHand = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'shop', labels: { team: 'payments' } },
    };
    expect(await applyAs('kubectl', labelledByHand)).toBe(200);

    // Someone else changes a field the agent owns: refused unless forced, and forcing takes it over.
    const widened = { ...labelledByHand, spec: { podSelector: { matchLabels: { app: 'everything' } } } };
    expect(await applyAs('kubectl', widened)).toBe(409);
    expect(stored().spec.podSelector.matchLabels).toEqual({ app: 'web' });
    expect(await applyAs('kubectl', widened, true)).toBe(200);
    expect(stored().spec.podSelector.matchLabels).toEqual({ app: 'everything' });

    // The agent's next apply (a drift revert) restores its value, keeps kubectl's label, and drops the
    // annotation it no longer sets.
    await cluster.write(desired({ 'palisade.io/drift-mode': 'revert' }));
    const after = stored();
    expect(after.spec.podSelector.matchLabels).toEqual({ app: 'web' });
    expect(after.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade', team: 'payments' });
    expect(after.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'revert' });
    expect(after.metadata.managedFields.map((f) => f.manager).sort()).toEqual(['kubectl', 'palisade']);
  });

  it('names the conflicting fields and their manager', async () => {
    await cluster.write(desired({ 'palisade.io/drift-mode': 'report' }));
    const res = await fetch(`${api.url}${OBJECT}?fieldManager=kubectl`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify({
        metadata: { name: 'web', namespace: 'shop', annotations: { 'palisade.io/drift-mode': 'revert' } },
      }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain(
      'conflict with "palisade": .metadata.annotations.palisade.io/drift-mode',
    );
  });
});

describe('server-side apply rules', () => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } };
  const managers = (object: unknown) =>
    (
      object as { metadata: { managedFields: { manager: string; operation: string }[] } }
    ).metadata.managedFields
      .map((f) => `${f.manager}/${f.operation}`)
      .sort();

  it('gives an Update the fields it changed, takes them from their owner, and never conflicts', () => {
    const created = serverSideApply(
      undefined,
      new Map(),
      { ...base, data: { a: '1', b: '2' } },
      'app',
      false,
    );
    if (!created.ok) throw new Error('conflict');
    const edited = recordUpdate(
      created.object,
      created.owners,
      { ...created.object, data: { a: '1', b: '3', c: '4' } },
      'kubectl-edit',
    );
    expect(managers(edited.object)).toEqual(['app/Apply', 'kubectl-edit/Update']);
    const fields = (o: unknown, m: string) =>
      (
        o as { metadata: { managedFields: { manager: string; fieldsV1: { 'f:data'?: object } }[] } }
      ).metadata.managedFields.find((f) => f.manager === m)?.fieldsV1['f:data'];
    expect(fields(edited.object, 'app')).toEqual({ 'f:a': {} });
    expect(fields(edited.object, 'kubectl-edit')).toEqual({ 'f:b': {}, 'f:c': {} });
    // The applier's next apply of b conflicts with the editor; of a alone, it drops nothing the editor owns.
    const again = serverSideApply(
      edited.object,
      edited.owners,
      { ...base, data: { a: '1', b: '2' } },
      'app',
      false,
    );
    expect(again).toEqual({ ok: false, conflicts: [{ manager: 'kubectl-edit', field: '.data.b' }] });
    const narrowed = serverSideApply(
      edited.object,
      edited.owners,
      { ...base, data: { a: '1' } },
      'app',
      false,
    );
    expect(narrowed.ok && narrowed.object['data']).toEqual({ a: '1', b: '3', c: '4' });
  });

  it('shares a field applied with the same value, and keeps it while either still applies it', () => {
    const one = serverSideApply(undefined, new Map(), { ...base, data: { a: '1' } }, 'one', false);
    if (!one.ok) throw new Error('conflict');
    const two = serverSideApply(one.object, one.owners, { ...base, data: { a: '1' } }, 'two', false);
    if (!two.ok) throw new Error('conflict');
    expect(managers(two.object)).toEqual(['one/Apply', 'two/Apply']);
    const released = serverSideApply(two.object, two.owners, { ...base }, 'one', false);
    expect(released.ok && released.object['data']).toEqual({ a: '1' });
    expect(released.ok && managers(released.object)).toEqual(['two/Apply']);
    // Now a change by `one` conflicts with `two`, the remaining owner.
    const changed = serverSideApply(two.object, two.owners, { ...base, data: { a: '9' } }, 'one', false);
    expect(changed).toEqual({ ok: false, conflicts: [{ manager: 'two', field: '.data.a' }] });
  });

  it('merges set and map lists element by element, and replaces atomic lists whole', () => {
    const withLists = (finalizers: string[], owners: { uid: string; name: string }[], ports: number[]) => ({
      ...base,
      metadata: { ...base.metadata, finalizers, ownerReferences: owners },
      spec: { ports },
    });
    const a = serverSideApply(
      undefined,
      new Map(),
      withLists(['a.io/x'], [{ uid: 'u1', name: 'one' }], [80]),
      'a',
      false,
    );
    if (!a.ok) throw new Error('conflict');
    const b = serverSideApply(
      a.object,
      a.owners,
      withLists(['b.io/y'], [{ uid: 'u2', name: 'two' }], [80]),
      'b',
      false,
    );
    if (!b.ok) throw new Error('conflict');
    const meta = b.object['metadata'] as { finalizers: string[]; ownerReferences: unknown[] };
    expect(meta.finalizers).toEqual(['a.io/x', 'b.io/y']);
    expect(meta.ownerReferences).toEqual([
      { uid: 'u1', name: 'one' },
      { uid: 'u2', name: 'two' },
    ]);
    // The port list is atomic: b applied the same list, so both own it; a different one conflicts.
    const c = serverSideApply(b.object, b.owners, withLists([], [], [443]), 'b', false);
    expect(c).toEqual({ ok: false, conflicts: [{ manager: 'a', field: '.spec.ports' }] });
    // An entry of a map-list changed by another manager conflicts by its key.
    const d = serverSideApply(
      b.object,
      b.owners,
      withLists([], [{ uid: 'u1', name: 'renamed' }], [80]),
      'b',
      false,
    );
    expect(d).toEqual({
      ok: false,
      conflicts: [{ manager: 'a', field: '.metadata.ownerReferences[k:{"uid":"u1"}].name' }],
    });
    // a stops applying its finalizer and owner reference: they go; b's stay.
    const e = serverSideApply(b.object, b.owners, { ...base, spec: { ports: [80] } }, 'a', false);
    expect(e.ok && (e.object['metadata'] as object)).toMatchObject({
      finalizers: ['b.io/y'],
      ownerReferences: [{ uid: 'u2', name: 'two' }],
    });
  });

  it('turns objects into leaf fields and back', () => {
    const object = {
      ...base,
      metadata: { ...base.metadata, finalizers: ['f'], labels: { a: 'b' } },
      data: { k: 'v' },
      list: [1, 2],
    };
    expect(build(fieldsOf(object))).toEqual(object);
  });
});

describe('the test API server as a client sees it', () => {
  let api: FakeKubeApi;
  const OBJ = '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web';
  const LIST = '/apis/networking.k8s.io/v1/networkpolicies';
  const body = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { podSelector: {} },
  };
  const call = (
    method: string,
    path: string,
    init: { token?: string; type?: string; body?: unknown; query?: string } = {},
  ) =>
    fetch(`${api.url}${path}${init.query ?? ''}`, {
      method,
      headers: {
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.type === undefined ? {} : { 'content-type': init.type }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList(LIST, [], '1');
  });
  afterEach(async () => {
    await api.stop();
  });

  it("answers an unknown token 401 and a refused request 403 with the API server's Status", async () => {
    api.users = new Map([['agent-token', serviceAccountUser('palisade-system', 'palisade-agent')]]);
    const rbac = new RbacAuthorizer(
      [
        {
          kind: 'ClusterRole',
          metadata: { name: 'r' },
          rules: [
            { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'patch'] },
          ],
        },
        {
          kind: 'ClusterRoleBinding',
          metadata: { name: 'r' },
          roleRef: { kind: 'ClusterRole', name: 'r' },
          subjects: [{ kind: 'ServiceAccount', name: 'palisade-agent', namespace: 'palisade-system' }],
        },
      ],
      { namespace: 'palisade-system', name: 'palisade-agent' },
    );
    api.authorize = (r) => rbac.allows(r);
    const anonymous = await call('GET', LIST, { token: 'wrong' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await call('GET', LIST, { token: 'agent-token' })).status).toBe(200);
    const get = await call('GET', OBJ, { token: 'agent-token' });
    expect(get.status).toBe(403);
    expect(await get.json()).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message:
        'networkpolicies "web" is forbidden: User "system:serviceaccount:palisade-system:palisade-agent" cannot get resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"',
      details: { name: 'web', group: 'networking.k8s.io', kind: 'networkpolicies' },
    });
    // An apply that would create the object needs create as well as patch.
    const create = await call('PATCH', OBJ, {
      token: 'agent-token',
      type: 'application/apply-patch+yaml',
      body,
      query: '?fieldManager=palisade',
    });
    expect(create.status).toBe(403);
    expect(((await create.json()) as { message: string }).message).toBe(
      'networkpolicies is forbidden: User "system:serviceaccount:palisade-system:palisade-agent" cannot create resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"',
    );
    expect(api.lists.get(LIST)!.items).toEqual([]);
  });

  it('writes nothing for a no-op apply, sends a watch event for each change, and refuses a stale PUT', async () => {
    const apply = (b: unknown) =>
      call('PATCH', OBJ, { type: 'application/apply-patch+yaml', body: b, query: '?fieldManager=palisade' });
    const watch = await fetch(`${api.url}${LIST}?watch=true`);
    const reader = watch.body!.getReader();
    expect((await apply(body)).status).toBe(201);
    const first = api.lists.get(LIST)!.items[0] as { metadata: { resourceVersion: string; uid: string } };
    const same = await apply(body);
    expect(same.status).toBe(200);
    expect(((await same.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(
      first.metadata.resourceVersion,
    );
    expect((await apply({ ...body, spec: { podSelector: { matchLabels: { app: 'web' } } } })).status).toBe(
      200,
    );
    const stale = await call('PUT', OBJ, {
      type: 'application/json',
      body: { ...body, metadata: { ...body.metadata, resourceVersion: first.metadata.resourceVersion } },
    });
    expect(stale.status).toBe(409);
    expect((await call('DELETE', OBJ)).status).toBe(200);
    let text = '';
    while ((text.match(/\n/g) ?? []).length < 3)
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { uid: string } } });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(new Set(events.map((e) => e.object.metadata.uid))).toEqual(new Set([first.metadata.uid]));
    expect((await call('GET', OBJ)).status).toBe(404);
  });
});
