import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  defaultInterval,
  derToRawSignature,
  nameList,
  nextRuns,
  openEvidence,
  reportResultOf,
  scopeCountText,
  scopeInput,
  selectorProblem,
  sha256Hex,
  summaryBars,
  verifyCommands,
  verifyManifestSignature,
  EMPTY_FORM,
} from './model';

const enc = (s: string) => new TextEncoder().encode(s);

/** WebCrypto's r‖s as the DER SEQUENCE of two INTEGERs that openssl writes. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return v[0]! & 0x80 ? [0x02, v.length + 1, 0, ...v] : [0x02, v.length, ...v];
  };
  const body = [...int(raw.subarray(0, 32)), ...int(raw.subarray(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}

async function keyPair() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const b64 = btoa(String.fromCharCode(...spki));
  const pem = `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  const sign = async (data: Uint8Array) =>
    rawToDer(
      new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          pair.privateKey,
          data as Uint8Array<ArrayBuffer>,
        ),
      ),
    );
  return { pem, sign };
}

async function archive(opts: { tamper?: boolean } = {}) {
  const key = await keyPair();
  const report = {
    report: { runId: 'r', definition: 'd', type: 'network-access', interval: { start: 'a', end: 'b' } },
    organization: { name: 'Acme' },
    clusters: [{ name: 'shop' }],
    generatedAt: '2026-12-06T00:00:00.000Z',
    endpoints: [
      {
        cluster: 'shop',
        endpoint: 'a/x',
        ingressProtected: true,
        egressProtected: false,
        ingressFromInternet: true,
        egressToInternet: false,
        ingressFromOtherNamespace: true,
        egressToOtherNamespace: true,
        appliedPolicies: [],
        differsFromCalico: [],
      },
      {
        cluster: 'shop',
        endpoint: 'a/y',
        ingressProtected: true,
        egressProtected: true,
        ingressFromInternet: false,
        egressToInternet: false,
        ingressFromOtherNamespace: false,
        egressToOtherNamespace: true,
        appliedPolicies: [],
        differsFromCalico: [],
      },
    ],
    namespaces: [],
    services: [],
    events: [],
    notes: [],
  };
  const files: Record<string, Uint8Array> = {
    'summary.csv': enc('a,b\n1,2\n'),
    'report.json': enc(JSON.stringify(report)),
  };
  const listed = await Promise.all(
    Object.entries(files).map(async ([name, bytes]) => ({
      name,
      sha256: await sha256Hex(bytes),
      bytes: bytes.length,
    })),
  );
  const manifest = enc(
    JSON.stringify({
      format: 'x',
      signature: { keyId: 'pal-ev-1', algorithm: 'ECDSA-P256-SHA256', encoding: 'DER', file: 'manifest.sig' },
      organization: { name: 'Acme' },
      files: listed,
      generatedAt: report.generatedAt,
    }),
  );
  const sig = await key.sign(manifest);
  if (opts.tamper) files['summary.csv'] = enc('a,b\n1,3\n');
  const zip = zipSync({ ...files, 'manifest.json': manifest, 'manifest.sig': sig });
  return { zip, pem: key.pem, sig };
}

describe('compliance model', () => {
  it('reads name lists and builds the scope input', () => {
    expect(nameList(' shop,\nweb  web\n\n db ')).toEqual(['shop', 'web', 'db']);
    expect(
      scopeInput({
        ...EMPTY_FORM,
        endpointSelector: " app == 'x' ",
        namespaceNames: 'a, b',
        serviceAccountNames: '',
      }),
    ).toEqual({
      endpointSelector: "app == 'x'",
      namespaceNames: ['a', 'b'],
      namespaceSelector: '',
      serviceAccountNames: [],
      serviceAccountSelector: '',
      clusterSelector: '',
    });
  });

  it('lists the next runs of a cron in UTC and explains a bad one', () => {
    const now = new Date('2026-12-06T10:17:00Z');
    expect(nextRuns('0 */6 * * *', 3, now)).toEqual({
      times: [
        new Date('2026-12-06T12:00:00Z'),
        new Date('2026-12-06T18:00:00Z'),
        new Date('2026-12-07T00:00:00Z'),
      ],
      error: null,
    });
    expect(nextRuns('0 0 * *', 3, now).error).toMatch(/five fields/);
    expect(nextRuns('61 0 * * *', 3, now).error).toMatch(/Not a valid cron/);
  });

  it('checks selector syntax and puts the scope count in words', () => {
    expect(selectorProblem('')).toBeUndefined();
    expect(selectorProblem("env == 'prod'")).toBeUndefined();
    expect(selectorProblem('env ==')).toBeTruthy();
    expect(
      scopeCountText({
        endpoints: 13,
        namespaces: 2,
        serviceAccounts: 1,
        clusters: [
          { cluster: 'shop', endpoints: 13 },
          { cluster: 'lab', endpoints: 0 },
        ],
      }),
    ).toBe('13 endpoints in scope now (2 namespaces, 1 service account) on 2 clusters — shop: 13, lab: 0.');
    expect(scopeCountText({ endpoints: 0, namespaces: 0, serviceAccounts: 0, clusters: [] })).toBe(
      'No cluster matches the cluster selector.',
    );
  });

  it('opens an archive, checks its files and its signature, and catches a changed byte', async () => {
    const good = await archive();
    const e = await openEvidence(good.zip);
    expect(e.files.map((f) => [f.name, f.matches])).toEqual([
      ['report.json', true],
      ['summary.csv', true],
    ]);
    expect(await verifyManifestSignature(e, good.pem)).toBe(true);
    const other = await archive();
    expect(await verifyManifestSignature(e, other.pem)).toBe(false);

    const bad = await openEvidence((await archive({ tamper: true })).zip);
    expect(bad.files.find((f) => f.name === 'summary.csv')?.matches).toBe(false);

    const bars = summaryBars(reportResultOf(e)!);
    expect(bars.protection.map((b) => [b.label, b.value, b.total])).toEqual([
      ['In scope', 2, 2],
      ['Ingress protected', 2, 2],
      ['Egress protected', 1, 2],
    ]);
    expect(bars.exposure.map((b) => b.value)).toEqual([1, 0, 1, 2]);
    expect(bars.changes).toEqual([]);
    expect(bars.encryption).toEqual([]);
  });

  it('charts the fleet encryption report: the fleet, then each cluster, encrypting of all nodes', () => {
    const r = {
      report: { runId: 'r', definition: 'wg', type: 'encryption', interval: { start: '', end: '' } },
      organization: { name: 'Acme' },
      clusters: [{ name: 'prod-eu' }, { name: 'staging' }],
      generatedAt: '',
      encryption: {
        clustersNumInScope: 2,
        nodesNum: 5,
        nodesNumEncrypting: 2,
        coverage: 0.4,
        clusters: [
          {
            cluster: 'prod-eu',
            nodes: 3,
            encryptingNodes: 2,
            coverage: 0.6667,
            dataplanes: ['bpf'],
            calicoVersions: [],
          },
          {
            cluster: 'staging',
            nodes: 2,
            encryptingNodes: 0,
            coverage: 0,
            dataplanes: ['iptables'],
            calicoVersions: [],
          },
        ],
      },
      endpoints: [],
      namespaces: [],
      services: [],
      events: [],
      notes: [],
    };
    const bars = summaryBars(r);
    expect(bars.encryption.map((b) => [b.label, b.value, b.total])).toEqual([
      ['Fleet', 2, 5],
      ['prod-eu', 2, 3],
      ['staging', 0, 2],
    ]);
    expect(bars.protection).toEqual([]);
  });

  it('converts DER signatures to r‖s, padding short integers and dropping sign bytes', () => {
    // r = 0x00 ff… (33 bytes with its sign byte), s = 0x01 (1 byte).
    const r = [0x00, ...new Array<number>(32).fill(0xff)];
    const der = new Uint8Array([0x30, 2 + r.length + 3, 0x02, r.length, ...r, 0x02, 0x01, 0x01]);
    const raw = derToRawSignature(der);
    expect(raw.length).toBe(64);
    expect([...raw.subarray(0, 32)].every((b) => b === 0xff)).toBe(true);
    expect([...raw.subarray(32, 63)].every((b) => b === 0)).toBe(true);
    expect(raw[63]).toBe(1);
    expect(() => derToRawSignature(new Uint8Array([0x31, 0]))).toThrow(/DER/);
  });

  it('shows the stock commands that verify an archive', () => {
    const text = verifyCommands('report-abc.zip', 'pal-ev-1');
    expect(text).toContain('unzip -q report-abc.zip -d report-abc');
    expect(text).toContain('openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json');
    expect(text).toContain('sha256sum -c SHA256SUMS');
    expect(text).toContain('pal-ev-1');
  });

  it('defaults an on-demand run to the day before the last full hour', () => {
    expect(defaultInterval(new Date('2026-12-06T10:17:42Z'))).toEqual({
      start: new Date('2026-12-05T10:00:00Z'),
      end: new Date('2026-12-06T10:00:00Z'),
    });
  });
});
