/// <reference types="node" />
// The palisade-policy command, spawned as users run it (its bin, here under the repository's
// development loader, so on the sources): output formats and exit codes of `evaluate`, `selectors`
// and `validate` (evaluation-scenarios.md, and issue 21 for evaluate's exit 1), help, version and
// usage errors. test/policy-package.test.ts runs the packed and installed package.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/palisade-policy.mjs', import.meta.url));
const REGISTER = fileURLToPath(new URL('../../../scripts/register.mjs', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const SHARED = fileURLToPath(new URL('../../../../shared/spec/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'palisade-policy-cli-'));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', REGISTER, BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('palisade-policy evaluate', () => {
  it('prints exactly one JSON document with flows and expectations', () => {
    const r = run('evaluate', join(SHARED, 'scenarios/01-tiers-pass-knp.yaml'), '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      flows: Record<string, unknown>[];
      expectations: Record<string, unknown>;
    };
    expect(Object.keys(doc)).toEqual(['flows', 'expectations']);
    expect(doc.expectations).toEqual({ checked: 11, failed: 0, failures: [] });
    expect(doc.flows[0]).toEqual({
      id: 'allowed-by-k8s-policy',
      action: 'allow',
      egress: {
        action: 'allow',
        trace: ['0|security|gnp:hand-off|pass|0', '1|__PROFILE__|pro:kns.app|allow|0'],
      },
      ingress: {
        action: 'allow',
        trace: ['0|security|gnp:hand-off|pass|0', '1|default|knp:data/db-allow|allow|0'],
      },
    });
  });

  it('adds pending verdicts when the scenario holds staged policies', () => {
    const r = run('evaluate', join(SHARED, 'scenarios/03-staged-pending.yaml'), '--json');
    const doc = JSON.parse(r.stdout) as {
      flows: { pending: { action: string; ingress: { trace: string[] } } }[];
    };
    expect(doc.flows[0]!.pending.action).toBe('deny');
    expect(doc.flows[0]!.pending.ingress.trace).toEqual(['0|default|snp:shop/redis-lockdown|deny|-1']);
  });

  it('prints a readable table and the expectation summary without --json', () => {
    const r = run('evaluate', join(SHARED, 'scenarios/02-three-namespaces-default-deny.yaml'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^scenario: frontend-backend-db-with-cluster-default-deny\nflow +action +egress +ingress\n/,
    );
    expect(r.stdout).toContain('web-to-db-skips-backend  deny');
    expect(r.stdout).toMatch(/expectations: \d+ checked, 0 failed\n$/);
  });

  it('exits 1 and reports failures when expectations do not hold', () => {
    const path = file(
      'failing.yaml',
      `name: failing
endpoints: [{ namespace: a, name: p, ips: [10.0.0.1] }]
flows: [{ id: f, source: { ip: 1.2.3.4 }, destination: { endpoint: a/p }, protocol: TCP, port: 80, expect: { action: deny } }]
`,
    );
    const r = run('evaluate', path, '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).expectations).toEqual({
      checked: 1,
      failed: 1,
      failures: [{ flow: 'f', field: 'action', expected: 'deny', actual: 'allow' }],
    });
  });

  it('exits 2 naming the bad field of an invalid scenario', () => {
    const path = file(
      'bad.yaml',
      'name: bad\nflows: [{ id: f, source: { ip: 1.2.3.4 }, destination: { ip: 5.6.7.8 }, protocol: TCPX }]\n',
    );
    const r = run('evaluate', path, '--json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('flows[0].protocol');
  });

  it('exits 2 for an invalid resource and for an unknown endpoint', () => {
    const badResource = file(
      'bad-resource.yaml',
      `name: bad
resources: [{ apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: { name: x }, spec: { selector: "a ==" } }]
`,
    );
    expect(run('evaluate', badResource).stderr).toContain('resources[0].spec.selector');
    const unknown = file(
      'unknown.yaml',
      'name: u\nflows: [{ id: f, source: { endpoint: a/nope }, destination: { ip: 1.2.3.4 }, protocol: UDP }]\n',
    );
    const r = run('evaluate', unknown);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('flows[0].source.endpoint');
  });
});

describe('palisade-policy selectors', () => {
  it('computes every vector of the shared file in order', () => {
    const vectorsPath = join(SHARED, 'calico-selector-vectors.json');
    const expected = JSON.parse(readFileSync(vectorsPath, 'utf8')) as {
      matchVectors: { selector: string; labels: Record<string, string>; match: boolean }[];
      invalidSelectors: { selector: string }[];
      canonicalForms: { input: string; canonical: string }[];
    };
    const r = run('selectors', vectorsPath, '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as typeof expected;
    expect(doc.matchVectors).toEqual(
      expected.matchVectors.map(({ selector, labels, match }) => ({ selector, labels, match })),
    );
    expect(doc.invalidSelectors).toEqual(
      expected.invalidSelectors.map(({ selector }) => ({ selector, error: true })),
    );
    expect(doc.canonicalForms).toEqual(
      expected.canonicalForms.map(({ input, canonical }) => ({ input, canonical })),
    );
  });

  it('gives null for selectors that do not parse and exits 2 for other files', () => {
    const path = file(
      'v.json',
      JSON.stringify({ matchVectors: [{ selector: 'a ==', labels: {} }], canonicalForms: [{ input: '(' }] }),
    );
    const doc = JSON.parse(run('selectors', path, '--json').stdout);
    expect(doc.matchVectors[0].match).toBeNull();
    expect(doc.canonicalForms[0].canonical).toBeNull();
    expect(run('selectors', file('not.json', '[1, 2]'), '--json').status).toBe(2);
  });
});

describe('palisade-policy validate', () => {
  it('exits 0 for valid files and 1 with file:line:column: path: message otherwise', () => {
    const good = file(
      'good.yaml',
      'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: { name: security }\nspec: { order: 100 }\n',
    );
    expect(run('validate', good).status).toBe(0);
    const bad = file(
      'bad-policy.yaml',
      `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: x
spec:
  ingress:
    - action: Allow
      protocol: tcp
`,
    );
    const r = run('validate', good, bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:17: spec\\.ingress\\[0\\]\\.protocol: .+\\n$`,
      ),
    );
  });
});

describe('palisade-policy command line', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', (flag) => {
    const r = run(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: palisade-policy <command> \[options\]\n/);
    expect(r.stdout).toContain('evaluate <scenario.yaml> [--json]');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version and exits 0', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it.each([['evaluate'], ['selectors'], ['validate']])("%s --help prints that command's usage", (name) => {
    for (const flag of ['--help', '-h']) {
      const r = run(name, flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: palisade-policy ${name} `));
      expect(r.stdout).toContain('exit codes:');
    }
  });

  it.each([
    [[], 'a command is required', 'usage: palisade-policy <command>'],
    [['frobnicate'], 'unknown command "frobnicate"', 'usage: palisade-policy <command>'],
    [['--verbose'], 'unknown option "--verbose"', 'usage: palisade-policy <command>'],
    [['evaluate'], 'evaluate: expects exactly one scenario file', 'usage: palisade-policy evaluate'],
    [
      ['evaluate', 'a.yaml', '--jsno'],
      'evaluate: unknown option "--jsno"',
      'usage: palisade-policy evaluate',
    ],
    [['validate'], 'validate: expects at least one file', 'usage: palisade-policy validate'],
    [
      ['selectors', 'a.json', 'b.json'],
      'selectors: expects exactly one vectors file',
      'usage: palisade-policy selectors',
    ],
  ])('%j is bad usage: stderr names it, then the usage; exit 2', (args, problem, usage) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(problem);
    expect(r.stderr).toContain(usage);
  });
});
