// The impact preview on hand-built flow keys: each class, each reason for uncertainty, and the
// cases where a missing fact does not matter (a criterion that is certainly false, a policy the
// walk never reaches, the inventory supplying what the record lacks).

import { describe, expect, it } from 'vitest';
import { parseResourcesYaml } from '../yaml/index.js';
import type { PolicyResource } from '../resources/types.js';
import { applyEdits, type PolicyEdit } from './edits.js';
import { flowKeysOf, mergeFlowInputs } from './flow-keys.js';
import { previewFlows } from './preview.js';
import { previewTotals } from './preview-totals.js';
import type { PreviewFlowInput, PreviewInventory, PreviewedFlow } from './preview-types.js';

function resources(yaml: string): PolicyResource[] {
  const parsed = parseResourcesYaml(yaml);
  expect(parsed.errors).toEqual([]);
  return parsed.documents.flatMap((d) => (d.resource ? [d.resource] : []));
}

type FlowSpec = Partial<PreviewFlowInput>;

function flow(spec: FlowSpec = {}): PreviewFlowInput {
  return {
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'frontend-7d9c8b6f5-*',
    source_labels: ['app=frontend'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-5f6d7c8b9-*',
    dest_labels: ['app=cart'],
    dest_port: 8080,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'dst',
    action: 'allow',
    enforced: [],
    first_seen: 1767225600,
    last_seen: 1767225600,
    num_flows: 1,
    ...spec,
  };
}

function preview(
  before: PolicyResource[],
  edits: PolicyEdit[],
  flows: PreviewFlowInput[],
  inventory?: PreviewInventory,
): PreviewedFlow[] {
  const { after } = applyEdits(before, edits);
  return previewFlows({ before, after, flows, ...(inventory ? { inventory } : {}) });
}

const apply = (yaml: string): PolicyEdit[] => resources(yaml).map((resource) => ({ op: 'apply', resource }));

const CART_FROM_FRONTEND = `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart-ingress, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source: { selector: app == 'frontend' }
      destination: { ports: [8080] }
`;

describe('previewFlows: classes', () => {
  it('an allow-list policy keeps the listed flow and newly denies the others, with both traces', () => {
    const [kept, denied, elsewhere] = preview([], apply(CART_FROM_FRONTEND), [
      flow(),
      flow({ source_name: 'batch-6c7d8e9f0-*', source_labels: ['app=batch'] }),
      flow({ dest_name: 'web-1a2b3c4d5-*', dest_labels: ['app=web'] }),
    ]);
    expect(kept).toMatchObject({
      class: 'UNCHANGED',
      before: { action: 'allow', trace: ['0|__PROFILE__|pro:kns.shop|allow|0'] },
      after: { action: 'allow', trace: ['0|default|np:shop/cart-ingress|allow|0'] },
      uncertainties: [],
    });
    expect(denied).toMatchObject({
      class: 'NEWLY_DENIED',
      after: { action: 'deny', trace: ['0|default|np:shop/cart-ingress|deny|-1'] },
    });
    expect(elsewhere!.class).toBe('UNCHANGED');
  });

  it('deleting a deny policy newly allows what it denied', () => {
    const before = resources(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: quarantine-cart }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Deny }]
`);
    const [f] = preview(before, [{ op: 'delete', ref: before[0]! }], [flow({ action: 'deny' })]);
    expect(f).toMatchObject({
      class: 'NEWLY_ALLOWED',
      before: { action: 'deny', trace: ['0|default|gnp:quarantine-cart|deny|0'] },
      after: { action: 'allow' },
    });
  });

  it('replays the reporter only: a src record is the source egress, unaffected by an ingress policy', () => {
    const [f] = preview([], apply(CART_FROM_FRONTEND), [
      flow({ source_name: 'batch-6c7d8e9f0-*', source_labels: ['app=batch'], reporter: 'src' }),
    ]);
    expect(f!.class).toBe('UNCHANGED');
  });

  it('moving a policy into an earlier tier, and reordering, change verdicts', () => {
    const before = resources(`
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: security }
spec: { order: 100 }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: allow-frontend, namespace: shop }
spec:
  order: 10
  selector: app == 'cart'
  ingress: [{ action: Allow, source: { selector: app == 'frontend' } }]
  types: [Ingress]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec:
  order: 20
  selector: all()
  ingress: [{ action: Deny }]
  types: [Ingress]
`);
    const reordered = apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec:
  order: 5
  selector: all()
  ingress: [{ action: Deny }]
  types: [Ingress]
`);
    expect(preview(before, [], [flow()])[0]!.class).toBe('UNCHANGED');
    expect(preview(before, reordered, [flow()])[0]).toMatchObject({
      class: 'NEWLY_DENIED',
      after: { trace: ['0|default|np:shop/deny-all|deny|0'] },
    });
    const retiered = apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec:
  tier: security
  order: 20
  selector: all()
  ingress: [{ action: Deny }]
  types: [Ingress]
`);
    expect(preview(before, retiered, [flow()])[0]).toMatchObject({
      class: 'NEWLY_DENIED',
      after: { trace: ['0|security|np:shop/deny-all|deny|0'] },
    });
  });

  it('counts per class and per reporter namespace', () => {
    const results = preview([], apply(CART_FROM_FRONTEND), [
      flow(),
      flow({ source_name: 'batch-6c7d8e9f0-*', source_labels: ['app=batch'] }),
      flow({ dest_namespace: 'ops', dest_name: 'tool-1-*', dest_labels: [] }),
    ]);
    const totals = previewTotals(results);
    expect(totals.total).toEqual({ UNCHANGED: 2, NEWLY_DENIED: 1, NEWLY_ALLOWED: 0, UNCERTAIN: 0 });
    expect(totals.byNamespace).toEqual([
      { namespace: 'ops', counts: { UNCHANGED: 1, NEWLY_DENIED: 0, NEWLY_ALLOWED: 0, UNCERTAIN: 0 } },
      { namespace: 'shop', counts: { UNCHANGED: 1, NEWLY_DENIED: 1, NEWLY_ALLOWED: 0, UNCERTAIN: 0 } },
    ]);
  });
});

describe('previewFlows: uncertainty', () => {
  const VERSION_POLICY = `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: v2-only, namespace: shop }
spec:
  selector: app == 'cart' && version == 'v2'
  types: [Ingress]
  ingress: [{ action: Deny }]
`;

  it('an aggregated name whose shared labels do not decide the selector is uncertain, naming the label', () => {
    const [f] = preview([], apply(VERSION_POLICY), [flow()]);
    expect(f!.class).toBe('UNCERTAIN');
    expect(f!.uncertainties).toEqual([
      {
        reason: 'AGGREGATED_LABELS',
        resource: 'NetworkPolicy/shop/v2-only',
        detail: 'label "version" of destination shop/cart-5f6d7c8b9-*',
      },
    ]);
  });

  it('a label outside the intersection does not matter when another criterion is certainly false', () => {
    const [f] = preview([], apply(VERSION_POLICY), [flow({ dest_labels: ['app=checkout'] })]);
    expect(f).toMatchObject({ class: 'UNCHANGED', uncertainties: [] });
  });

  it('a single pod (no aggregation) carries all its labels: absent means absent', () => {
    const [f] = preview([], apply(VERSION_POLICY), [flow({ dest_name: 'cart-5f6d7c8b9-x1' })]);
    expect(f!.class).toBe('UNCHANGED');
  });

  it('the inventory resolves the aggregated name: every cart pod is v2, so the flow is newly denied', () => {
    const pod = (name: string, version: string): NonNullable<PreviewInventory['endpoints']>[number] => ({
      namespace: 'shop',
      name,
      labels: { app: 'cart', version },
      serviceAccount: 'cart',
      ips: [],
    });
    const inventory = { endpoints: [pod('cart-5f6d7c8b9-a', 'v2'), pod('cart-5f6d7c8b9-b', 'v2')] };
    expect(preview([], apply(VERSION_POLICY), [flow()], inventory)[0]!.class).toBe('NEWLY_DENIED');
    const mixed = { endpoints: [pod('cart-5f6d7c8b9-a', 'v2'), pod('cart-5f6d7c8b9-b', 'v1')] };
    expect(preview([], apply(VERSION_POLICY), [flow()], mixed)[0]!.uncertainties).toMatchObject([
      { reason: 'AGGREGATED_LABELS' },
    ]);
  });

  it('a namespace label of a namespace the inventory does not know is uncertain', () => {
    const edit = apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: from-prod, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Allow, source: { namespaceSelector: env == 'prod' } }]
`);
    const unknownNs = preview([], edit, [flow({ source_namespace: 'web' })]);
    expect(unknownNs[0]!.uncertainties).toMatchObject([
      { reason: 'AGGREGATED_LABELS', detail: 'label "pcns.env" of source web/frontend-7d9c8b6f5-*' },
    ]);
    const known = preview([], edit, [flow({ source_namespace: 'web' })], {
      namespaces: [{ name: 'web', labels: { env: 'prod' } }, { name: 'shop' }],
    });
    expect(known[0]!.class).toBe('UNCHANGED');
  });

  it('pub/pvt against a rule CIDR: decided when the CIDR covers all or none of the class, else uncertain', () => {
    const denyTo = (nets: string[]): PolicyEdit[] =>
      apply(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: no-egress }
spec:
  selector: app == 'frontend'
  types: [Egress]
  egress:
    - { action: Deny, destination: { nets: ${JSON.stringify(nets)} } }
    - { action: Allow }
`);
    const toPvt = flow({
      dest_type: 'net',
      dest_namespace: '-',
      dest_name: 'pvt',
      dest_labels: [],
      reporter: 'src',
    });
    const toPub = { ...toPvt, dest_name: 'pub' };
    const [pvt, pub] = preview([], denyTo(['10.0.0.0/16']), [toPvt, toPub]);
    expect(pvt).toMatchObject({
      class: 'UNCERTAIN',
      uncertainties: [
        {
          reason: 'AGGREGATED_NETWORK',
          resource: 'GlobalNetworkPolicy/no-egress',
          detail: 'address of destination pvt: a rule names 10.0.0.0/16',
        },
      ],
    });
    expect(pub!.class).toBe('UNCHANGED');
    const rfc1918 = preview([], denyTo(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']), [toPvt, toPub]);
    expect(rfc1918.map((f) => f.class)).toEqual(['NEWLY_DENIED', 'UNCHANGED']);
  });

  it('a pod side against a rule CIDR is uncertain: records carry no pod address', () => {
    const [f] = preview(
      [],
      apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: by-cidr, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Deny, source: { nets: [10.1.0.0/16] } }]
`),
      [flow()],
    );
    expect(f!.uncertainties).toMatchObject([
      {
        reason: 'AGGREGATED_NETWORK',
        detail: 'addresses of source shop/frontend-7d9c8b6f5-* are not in flow records',
      },
    ]);
  });

  it('port ranges against an aggregated port, source ports and unknown named ports are uncertain', () => {
    const policy = (destination: string, source = '{}'): PolicyEdit[] =>
      apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: ports, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Allow, protocol: TCP, destination: ${destination}, source: ${source} }]
`);
    const range = policy('{ ports: ["8000:8100"] }');
    expect(preview([], range, [flow()])[0]!.class).toBe('UNCHANGED');
    expect(preview([], range, [flow({ dest_port: 9000 })])[0]!.class).toBe('NEWLY_DENIED');
    expect(preview([], range, [flow({ dest_port: 0 })])[0]!.uncertainties).toMatchObject([
      {
        reason: 'AGGREGATED_PORT',
        detail: 'destination port of destination shop/cart-5f6d7c8b9-* is aggregated',
      },
    ]);
    expect(preview([], policy('{}', '{ ports: [1024] }'), [flow()])[0]!.uncertainties).toMatchObject([
      {
        reason: 'AGGREGATED_PORT',
        detail: 'source port of source shop/frontend-7d9c8b6f5-* is not in flow records',
      },
    ]);
    const named = policy('{ ports: [http] }');
    expect(preview([], named, [flow()])[0]!.uncertainties).toMatchObject([
      {
        reason: 'AGGREGATED_PORT',
        detail: 'named port "http" of destination shop/cart-5f6d7c8b9-* is not known',
      },
    ]);
    const inventory = {
      endpoints: [
        {
          namespace: 'shop',
          name: 'cart-5f6d7c8b9-a',
          labels: { app: 'cart' },
          ips: [],
          ports: [{ name: 'http', port: 8080 }],
        },
      ],
    };
    expect(preview([], named, [flow()], inventory)[0]!.class).toBe('UNCHANGED');
  });

  it('ICMP type criteria are uncertain for ICMP flows', () => {
    const [f] = preview(
      [],
      apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: ping, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Allow, protocol: ICMP, icmp: { type: 8 } }]
`),
      [flow({ proto: 'icmp', dest_port: 0 })],
    );
    expect(f!.uncertainties).toMatchObject([
      { reason: 'AGGREGATED_PORT', detail: 'ICMP type and code are not in flow records' },
    ]);
  });

  it('service accounts are not in records: uncertain unless the inventory agrees on one', () => {
    const edit = apply(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: by-account, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Allow, source: { serviceAccounts: { names: [frontend] } } }]
`);
    expect(preview([], edit, [flow()])[0]!.uncertainties).toEqual([
      {
        reason: 'SERVICE_ACCOUNT',
        resource: 'NetworkPolicy/shop/by-account',
        detail: 'service account of source shop/frontend-7d9c8b6f5-*',
      },
    ]);
    const inventory = {
      endpoints: [
        {
          namespace: 'shop',
          name: 'frontend-7d9c8b6f5-a',
          labels: { app: 'frontend' },
          serviceAccount: 'frontend',
          ips: [],
        },
      ],
    };
    expect(preview([], edit, [flow()], inventory)[0]!.class).toBe('UNCHANGED');
  });

  it('a host endpoint that is not among the resources cannot be replayed', () => {
    const [f] = preview([], apply(CART_FROM_FRONTEND), [
      flow({
        source_type: 'hep',
        source_namespace: '-',
        source_name: 'node-1',
        source_labels: [],
        reporter: 'src',
      }),
    ]);
    expect(f).toMatchObject({
      class: 'UNCERTAIN',
      before: null,
      after: null,
      uncertainties: [{ reason: 'UNKNOWN_ENDPOINT', resource: 'HostEndpoint/node-1' }],
    });
  });

  it('a policy the walk never reaches adds no uncertainty', () => {
    const before = resources(`
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: security }
spec: { order: 100 }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-cart }
spec:
  tier: security
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{ action: Deny }]
`);
    const [f] = preview(before, apply(VERSION_POLICY), [flow({ action: 'deny' })]);
    expect(f).toMatchObject({ class: 'UNCHANGED', uncertainties: [] });
  });

  it('a network set the edit widens over private addresses makes pvt flows uncertain', () => {
    const edit = apply(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: { name: partners, labels: { role: partner } }
spec: { nets: [10.20.0.0/16] }
`);
    const toPvt = flow({
      dest_type: 'net',
      dest_namespace: '-',
      dest_name: 'pvt',
      dest_labels: [],
      reporter: 'src',
    });
    const [pvt, pub] = preview([], edit, [toPvt, { ...toPvt, dest_name: 'pub' }]);
    expect(pvt!.uncertainties).toMatchObject([
      { reason: 'AGGREGATED_NETWORK', resource: 'GlobalNetworkSet/partners' },
    ]);
    expect(pub!.class).toBe('UNCHANGED');
  });

  it('a network set side is replayed at an address of the set, with its labels', () => {
    const before = resources(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: { name: partners, labels: { role: partner } }
spec: { nets: [198.51.100.0/24] }
`);
    const edit = apply(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: no-partners }
spec:
  selector: app == 'frontend'
  types: [Egress]
  egress:
    - { action: Deny, destination: { selector: role == 'partner' } }
    - { action: Allow }
`);
    const toSet = flow({
      dest_type: 'ns',
      dest_namespace: '-',
      dest_name: 'partners',
      dest_labels: ['role=partner'],
      reporter: 'src',
    });
    const toPub = { ...toSet, dest_type: 'net' as const, dest_name: 'pub', dest_labels: [] };
    expect(preview(before, edit, [toSet, toPub]).map((f) => f.class)).toEqual(['NEWLY_DENIED', 'UNCHANGED']);
  });
});

describe('flowKeysOf', () => {
  it('folds records of one key, summing flows and keeping the latest verdict', () => {
    const record = {
      ...flow(),
      start_time: 1767225600,
      end_time: 1767225615,
      policies: { enforced: ['0|__PROFILE__|pro:kns.shop|allow|0'], pending: [] },
      packets_in: 1,
      packets_out: 1,
      bytes_in: 1,
      bytes_out: 1,
      num_flows: 2,
      num_flows_started: 2,
      num_flows_completed: 2,
    };
    const keys = flowKeysOf([
      record,
      { ...record, start_time: 1767225630, end_time: 1767225645, action: 'deny' as const },
      { ...record, dest_port: 9090 },
    ]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({
      action: 'deny',
      num_flows: 4,
      first_seen: 1767225600,
      last_seen: 1767225630,
    });
  });
});

describe('mergeFlowInputs', () => {
  it('merges the inputs of one key recorded with different verdicts, keeping the latest', () => {
    const merged = mergeFlowInputs([
      flow({ action: 'deny', last_seen: 200, first_seen: 100, num_flows: 1 }),
      flow({ action: 'allow', last_seen: 300, first_seen: 300, num_flows: 2 }),
      flow({ dest_port: 9090 }),
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ action: 'allow', first_seen: 100, last_seen: 300, num_flows: 3 });
  });
});
