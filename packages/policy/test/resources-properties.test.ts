// Robustness of the validator on hostile input: it never throws, a returned resource always has
// no errors, and validation is idempotent on its own output.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/resources/index.js';
import { calico, gnp, knp, np, type Raw } from './resources-builders.js';

const SEEDS: Raw[] = [
  np({
    ingress: [
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { selector: 'has(a)', nets: ['10.0.0.0/8'] },
        destination: { ports: [80] },
      },
    ],
  }),
  gnp({
    namespaceSelector: 'has(x)',
    egress: [{ action: 'Deny', destination: { services: { name: 'a', namespace: 'b' } } }],
  }),
  knp({
    podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] },
    ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
  }),
  calico('Tier', { order: 1 }, { name: 't' }),
  calico(
    'HostEndpoint',
    { node: 'n', interfaceName: 'eth0', ports: [{ name: 'a', protocol: 'TCP', port: 1 }] },
    { name: 'h' },
  ),
  calico('StagedKubernetesNetworkPolicy', { stagedAction: 'Delete' }, { name: 's', namespace: 'x' }),
];

type Mutation = { path: (string | number)[]; value: unknown };

/** Replaces the value at a random existing path of `doc` with an arbitrary JSON value. */
function mutate(doc: unknown, { path, value }: Mutation): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const [head, ...rest] = path;
  const keys = Array.isArray(doc) ? doc.map((_, i) => i) : Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[Math.abs(Number(head) || String(head).length) % keys.length]!;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as Raw) }) as Record<
    string | number,
    unknown
  >;
  copy[key] = mutate(copy[key], { path: rest, value });
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.oneof(fc.nat(20), fc.string({ maxLength: 3 })), { maxLength: 7 }),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('', '__proto__', 'global()', '10.0.0.1/8', 0, -1, 65536, 'TCP', [], {}),
  ),
});

describe('validator robustness', () => {
  it('never throws, and returns a resource only without errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { maxLength: 3 }), (seed, mutations) => {
        const doc = mutations.reduce<unknown>((d, m) => mutate(d, m), seed);
        const { resource, errors } = validateResource(doc);
        expect(resource === undefined).toBe(errors.length > 0);
        for (const e of errors) {
          expect(typeof e.path).toBe('string');
          expect(e.message.length).toBeGreaterThan(0);
        }
        if (resource !== undefined) expect(validateResource(resource)).toEqual({ resource, errors: [] });
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(validateResource(value).errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
