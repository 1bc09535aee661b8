// Reading multi-document YAML like `kubectl apply -f`: empty documents, Lists, broken YAML and
// validation errors located on the offending node.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResourcesYaml } from '../src/yaml/index.js';

const lines = (...ls: string[]): string => ls.join('\n') + '\n';

const TIER = lines(
  'apiVersion: projectcalico.org/v3',
  'kind: Tier',
  'metadata:',
  '  name: security',
  'spec:',
  '  order: 100',
);

describe('parseResourcesYaml', () => {
  it('reads several documents and skips empty ones', () => {
    const text = lines(
      '# leading comment',
      '---',
      TIER.trimEnd(),
      '---',
      '---',
      '# only a comment',
      '---',
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkPolicy',
      'metadata: {name: quarantine}',
      'spec:',
      '  tier: security',
      '  selector: quarantine == "true"',
      '  ingress: [{action: Deny}]',
      '---',
      '~',
    );
    const { documents, errors } = parseResourcesYaml(text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.index, d.line, d.resource?.kind])).toEqual([
      [0, 3, 'Tier'],
      [1, 13, 'GlobalNetworkPolicy'],
    ]);
    expect(documents[1]!.resource?.spec).toMatchObject({ tier: 'security', types: ['Ingress'] });
  });

  it('returns nothing for an empty stream', () => {
    expect(parseResourcesYaml('')).toEqual({ documents: [], errors: [] });
    expect(parseResourcesYaml('# nothing\n')).toEqual({ documents: [], errors: [] });
  });

  it('expands a kind: List into its items', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: networking.k8s.io/v1',
      '  kind: NetworkPolicy',
      '  metadata: {name: deny-all, namespace: prod}',
      '  spec: {podSelector: {}}',
      '- apiVersion: projectcalico.org/v3',
      '  kind: NetworkSet',
      '  metadata: {name: partners, namespace: prod}',
      '  spec:',
      '    nets: [nope]',
    );
    const { documents, errors } = parseResourcesYaml(text);
    expect(documents.map((d) => [d.index, d.line, d.resource?.kind])).toEqual([
      [0, 4, 'NetworkPolicy'],
      [1, 8, undefined],
    ]);
    expect(errors).toEqual([
      { path: 'spec.nets[0]', message: '"nope" is not a valid IP address or CIDR', line: 12, column: 12 },
    ]);
  });

  it('reports broken YAML with its position and keeps reading later documents', () => {
    const text = lines('kind: Tier', 'metadata: {name: [unclosed', '---', TIER.trimEnd());
    const { documents, errors } = parseResourcesYaml(text);
    expect(documents).toHaveLength(2);
    expect(documents[0]!.resource).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ path: '', line: 3, column: 1 });
    expect(errors[0]!.message).toMatch(/^invalid YAML: /);
    expect(documents[1]!.resource?.kind).toBe('Tier');
  });

  it('rejects duplicate keys', () => {
    const { errors } = parseResourcesYaml(
      lines('apiVersion: projectcalico.org/v3', 'kind: Tier', 'kind: Tier', 'metadata: {name: a}'),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 3, column: 1 });
    expect(errors[0]!.message).toMatch(/unique/i);
  });

  it('maps validation errors onto values, keys and nearest ancestors', () => {
    const text = lines(
      'apiVersion: projectcalico.org/v3',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: allow-web',
      '  namespace: prod',
      'spec:',
      '  ingress:',
      '  - action: Allow',
      '    protocol: tcp',
      '    destination:',
      '      ports: [80, "http", 99999]',
      '  - protocol: TCP',
      '  egress:',
      '  - action: Allow',
      '    destination:',
      '      bogus: 1',
    );
    const { documents, errors } = parseResourcesYaml(text);
    expect(documents[0]!.resource).toBeUndefined();
    expect(errors).toEqual([
      {
        path: 'spec.ingress[0].protocol',
        message: expect.stringMatching(/case-sensitive/),
        line: 9,
        column: 15,
      },
      {
        path: 'spec.ingress[0].destination.ports[2]',
        message: expect.stringMatching(/out of range/),
        line: 11,
        column: 27,
      },
      {
        path: 'spec.ingress[1].action',
        message: expect.stringMatching(/^action is required/),
        line: 12,
        column: 5,
      },
      { path: 'spec.egress[0].destination.bogus', message: 'unknown field "bogus"', line: 16, column: 14 },
    ]);
  });

  it('points at the key of a collection-valued field', () => {
    const text = lines(
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkSet',
      'metadata:',
      '  name: s',
      '  labels:',
      '    projectcalico.org/namespace: x',
    );
    const { errors } = parseResourcesYaml(text);
    expect(errors).toEqual([
      {
        path: 'metadata.labels["projectcalico.org/namespace"]',
        message: expect.stringMatching(/reserved/),
        line: 6,
        column: 34,
      },
    ]);
  });

  it('explains a selector broken by a literal block scalar', () => {
    const text = lines(
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkPolicy',
      'metadata: {name: p}',
      'spec:',
      '  selector: |',
      "    app == 'web'",
    );
    const { errors } = parseResourcesYaml(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.selector', line: 5, column: 13 });
    expect(errors[0]!.message).toMatch(/line breaks/);
  });

  it('reports a resource defined twice', () => {
    const { documents, errors } = parseResourcesYaml(`${TIER}---\n${TIER}`);
    expect(documents[0]!.resource).toBeDefined();
    expect(documents[1]!.resource).toBeUndefined();
    expect(errors).toEqual([
      {
        path: 'metadata.name',
        message: 'Tier/security is defined more than once (first at line 1)',
        line: 11,
        column: 9,
      },
    ]);
  });

  it('reports documents that are not objects', () => {
    const { errors } = parseResourcesYaml('just a string\n---\n- a\n- b\n');
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [1, 'a resource must be an object with apiVersion, kind, metadata and spec'],
      [3, 'a resource must be an object with apiVersion, kind, metadata and spec'],
    ]);
  });

  it('supports anchors and merge keys but refuses alias bombs', () => {
    const text = lines(
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkPolicy',
      'metadata: {name: p}',
      'spec:',
      '  ingress:',
      '  - &allow {action: Allow, protocol: TCP}',
      '  - <<: *allow',
      '    destination: {ports: [443]}',
    );
    const { documents, errors } = parseResourcesYaml(text);
    expect(errors).toEqual([]);
    expect(documents[0]!.resource?.spec).toMatchObject({
      ingress: [{ action: 'Allow' }, { action: 'Allow', protocol: 'TCP', destination: { ports: [443] } }],
    });

    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'a'.repeat(i + 1)} [${Array(10)
          .fill(`*${'a'.repeat(i)}`)
          .join(', ')}]`,
      );
    const result = parseResourcesYaml(lines(...bomb));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.message).toMatch(/^invalid YAML: .*alias/i);
  });

  it('keeps keys such as __proto__ as data', () => {
    const { errors } = parseResourcesYaml(
      lines(
        'apiVersion: projectcalico.org/v3',
        'kind: Tier',
        'metadata: {name: t}',
        'spec: {__proto__: {order: 1}}',
      ),
    );
    expect(errors).toEqual([
      { path: 'spec.__proto__', message: 'unknown field "__proto__"', line: 4, column: 8 },
    ]);
  });

  it('passes validation options through', () => {
    const text = lines('apiVersion: projectcalico.org/v3', 'kind: NetworkPolicy', 'metadata: {name: p}');
    expect(
      parseResourcesYaml(text, { defaultNamespace: 'team-a' }).documents[0]!.resource?.metadata.namespace,
    ).toBe('team-a');
  });
});

describe('parseResourcesYaml robustness', () => {
  const FRAGMENTS = [
    '---\n',
    'kind: List\n',
    'items:\n',
    '- ',
    '  ',
    'apiVersion: projectcalico.org/v3\n',
    'kind: Tier\n',
    'metadata: {name: a}\n',
    '&a ',
    '*a',
    '<<: *a\n',
    '{',
    '}',
    '[',
    ']',
    ': ',
    '"',
    "'",
    '#',
    '\t',
    '?',
    '|\n',
    '!!binary ',
    '__proto__: 1\n',
    '~\n',
  ];

  it('never throws and positions every error inside the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 20 }).map((a) => a.join('')),
        ),
        (text) => {
          const { documents, errors } = parseResourcesYaml(text);
          const lineCount = text.split('\n').length;
          for (const e of errors) {
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(lineCount);
            expect(e.column).toBeGreaterThanOrEqual(1);
          }
          expect(documents.map((d) => d.index)).toEqual(documents.map((_, i) => i));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
