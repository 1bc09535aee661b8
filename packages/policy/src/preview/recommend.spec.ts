// Recommendations from hand-built uncovered flows: one staged policy per namespace with the rule
// kinds of Calico's recommender, each rule naming its flows; the result validates and, previewed
// as enforced, denies none of the flows it was built from while denying a connection never seen.

import { describe, expect, it } from 'vitest';
import { validateResource } from '../resources/validate.js';
import { stagedToEnforced, type StagedPolicy } from '../resources/staged.js';
import type { PolicyResource } from '../resources/types.js';
import { flowKeyId } from './flow-keys.js';
import { previewFlows } from './preview.js';
import type { PreviewFlowInput } from './preview-types.js';
import { FLOWS_ANNOTATION, PRIVATE_NETWORKS, recommendPolicies, recommendationTier } from './recommend.js';

const PROFILE = ['0|__PROFILE__|pro:kns.shop|allow|0'];

function flow(spec: Partial<PreviewFlowInput>): PreviewFlowInput {
  return {
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'api-2-*',
    dest_labels: ['app=api'],
    dest_port: 8000,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'src',
    action: 'allow',
    enforced: PROFILE,
    first_seen: 0,
    last_seen: 0,
    num_flows: 1,
    ...spec,
  };
}

const FLOWS: PreviewFlowInput[] = [
  // shop → shop (both ends), shop → db, db ← shop, shop → pvt, shop → pub, shop → network set.
  flow({}),
  flow({ reporter: 'dst' }),
  flow({ dest_namespace: 'db', dest_name: 'pg-3-*', dest_labels: ['app=pg'], dest_port: 5432 }),
  flow({
    dest_namespace: 'db',
    dest_name: 'pg-3-*',
    dest_labels: ['app=pg'],
    dest_port: 5432,
    reporter: 'dst',
  }),
  flow({ dest_type: 'net', dest_namespace: '-', dest_name: 'pvt', dest_labels: [], dest_port: 443 }),
  flow({ dest_type: 'net', dest_namespace: '-', dest_name: 'pub', dest_labels: [], dest_port: 443 }),
  flow({ dest_type: 'net', dest_namespace: '-', dest_name: 'pub', dest_labels: [], dest_port: 80 }),
  flow({
    dest_type: 'ns',
    dest_namespace: '-',
    dest_name: 'partners',
    dest_labels: ['role=partner'],
    dest_port: 8443,
  }),
  flow({
    source_type: 'net',
    source_namespace: '-',
    source_name: 'pub',
    source_labels: [],
    dest_port: 8000,
    reporter: 'dst',
  }),
  // Covered by a policy: not a source of recommendations.
  flow({ dest_port: 9999, enforced: ['0|default|np:shop/x|allow|0'] }),
  // A host endpoint cannot be expressed.
  flow({ dest_type: 'hep', dest_namespace: '-', dest_name: 'node-1', dest_labels: [], dest_port: 10250 }),
];

const SETS: PolicyResource[] = [
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkSet',
    metadata: { name: 'partners', labels: { role: 'partner' } },
    spec: { nets: ['198.51.100.0/24'] },
  },
];

describe('recommendPolicies', () => {
  const recs = recommendPolicies(FLOWS);
  const shop = recs.find((r) => r.namespace === 'shop')!;

  it('makes one staged policy per namespace in namespace-isolation, selecting the namespace', () => {
    expect(recs.map((r) => r.namespace)).toEqual(['db', 'shop']);
    expect(shop.policy.spec).toMatchObject({
      tier: 'namespace-isolation',
      selector: "projectcalico.org/namespace == 'shop'",
      types: ['Ingress', 'Egress'],
    });
    for (const r of recs) expect(validateResource(r.policy).errors).toEqual([]);
    expect(validateResource(recommendationTier()).errors).toEqual([]);
  });

  it('builds each rule kind and says which flows produced it', () => {
    const strip = (rules: readonly unknown[]): unknown[] =>
      rules.map((r) => ({ ...(r as object), metadata: undefined }));
    expect(strip(shop.policy.spec.egress ?? [])).toEqual([
      {
        action: 'Allow',
        protocol: 'TCP',
        destination: { namespaceSelector: "projectcalico.org/name == 'db'", ports: [5432] },
        metadata: undefined,
      },
      { action: 'Allow', protocol: 'TCP', destination: { ports: [80, 443] }, metadata: undefined },
      {
        action: 'Allow',
        protocol: 'TCP',
        destination: { nets: PRIVATE_NETWORKS, ports: [443] },
        metadata: undefined,
      },
      {
        action: 'Allow',
        protocol: 'TCP',
        destination: { selector: 'all()', ports: [8000] },
        metadata: undefined,
      },
      {
        action: 'Allow',
        protocol: 'TCP',
        destination: { namespaceSelector: 'global()', selector: "role == 'partner'", ports: [8443] },
        metadata: undefined,
      },
      {
        action: 'Allow',
        protocol: 'UDP',
        destination: { namespaceSelector: "projectcalico.org/name == 'kube-system'", ports: [53] },
        metadata: undefined,
      },
    ]);
    expect(strip(shop.policy.spec.ingress ?? [])).toEqual([
      { action: 'Allow', protocol: 'TCP', destination: { ports: [8000] }, metadata: undefined },
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { selector: 'all()' },
        destination: { ports: [8000] },
        metadata: undefined,
      },
    ]);
    const pub = shop.rules.find((r) => r.direction === 'egress' && r.index === 1)!;
    expect(pub.flows).toEqual([flowKeyId(FLOWS[5]!), flowKeyId(FLOWS[6]!)]);
    expect(shop.policy.spec.egress![1]!.metadata?.annotations?.[FLOWS_ANNOTATION]).toBe(
      'shop/web-1-* > -/pub:443/tcp; shop/web-1-* > -/pub:80/tcp',
    );
    expect(shop.unmatched).toEqual([flowKeyId(FLOWS[10]!)]);
    const db = recs.find((r) => r.namespace === 'db')!;
    expect(strip(db.policy.spec.ingress ?? [])).toEqual([
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { namespaceSelector: "projectcalico.org/name == 'shop'" },
        destination: { ports: [5432] },
        metadata: undefined,
      },
    ]);
  });

  it('same-namespace traffic is passed when the scope says so; excluded namespaces get nothing', () => {
    const passing = recommendPolicies(FLOWS, { intraNamespace: 'PASS' }, (ns) => ns === 'db');
    expect(passing.map((r) => r.namespace)).toEqual(['shop']);
    expect(passing[0]!.policy.spec.ingress!.some((r) => r.action === 'Pass')).toBe(true);
  });

  it('enforced, the recommendations deny none of their flows, and deny a connection never seen', () => {
    const enforced = recs.map((r) => stagedToEnforced(r.policy as StagedPolicy)!);
    const neverSeen = flow({
      dest_namespace: 'db',
      dest_name: 'pg-3-*',
      dest_labels: ['app=pg'],
      dest_port: 22,
    });
    const results = previewFlows({
      before: SETS,
      after: [...SETS, recommendationTier(), ...enforced],
      flows: [...FLOWS.filter((f) => f.dest_type !== 'hep' && f.enforced === PROFILE), neverSeen],
    });
    const last = results.pop()!;
    expect(results.map((r) => r.class)).toEqual(results.map(() => 'UNCHANGED'));
    expect(last.class).toBe('NEWLY_DENIED');
  });
});
