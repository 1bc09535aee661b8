// Where the agent finds the TLS material for Goldmane's mTLS port, and reading it. Goldmane (as the
// Tigera operator installs it) serves with a certificate of the operator's CA and requires a client
// certificate that verifies against its trusted bundle, the ConfigMap `goldmane-ca-bundle` in
// `calico-system` (decision 0050). Each of the three PEMs (CA bundle, client certificate, client
// key) comes from one source, written as
//
//   configmap:<namespace>/<name>/<key>    read through the Kubernetes API
//   secret:<namespace>/<name>/<key>       read through the Kubernetes API
//   file:<path>                           a mounted file
//
// The defaults are the operator's own objects: the CA bundle Goldmane trusts, and the key pair of
// Whisker's backend, the client Goldmane already trusts for reading flows. The material is read on
// every connection attempt, so a rotated certificate is picked up by the next reconnect.

import { readFile } from 'node:fs/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { DNS_LABEL, DNS_SUBDOMAIN } from '@palisade/protocol';
import { failureOf, kubeRequest } from '../kube-request.js';

export type PemSource =
  | { readonly from: 'file'; readonly path: string }
  | {
      readonly from: 'configmap' | 'secret';
      readonly namespace: string;
      readonly name: string;
      readonly key: string;
    };

export interface GoldmaneTlsSources {
  readonly ca: PemSource;
  readonly cert: PemSource;
  readonly key: PemSource;
}

export interface GoldmaneTlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export const DEFAULT_GOLDMANE_TLS: Readonly<Record<keyof GoldmaneTlsSources, string>> = {
  ca: 'configmap:calico-system/goldmane-ca-bundle/ca.crt',
  cert: 'secret:calico-system/whisker-backend-key-pair/tls.crt',
  key: 'secret:calico-system/whisker-backend-key-pair/tls.key',
};

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Parses one source; throws an Error whose message says what is wrong with it. */
export function parsePemSource(text: string): PemSource {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (scheme === 'file') {
    if (rest === '') throw new Error('file: needs a path');
    return { from: 'file', path: rest };
  }
  if (scheme === 'configmap' || scheme === 'secret') {
    const [namespace = '', name = '', key = '', ...extra] = rest.split('/');
    if (extra.length > 0 || !DNS_LABEL.test(namespace) || !DNS_SUBDOMAIN.test(name) || !DATA_KEY.test(key)) {
      throw new Error(`${scheme}: must be ${scheme}:<namespace>/<name>/<key>`);
    }
    return { from: scheme, namespace, name, key };
  }
  throw new Error(
    'must be configmap:<namespace>/<name>/<key>, secret:<namespace>/<name>/<key> or file:<path>',
  );
}

export function describePemSource(source: PemSource): string {
  return source.from === 'file'
    ? `file ${source.path}`
    : `${source.from === 'configmap' ? 'ConfigMap' : 'Secret'} ${source.namespace}/${source.name} key ${source.key}`;
}

/** Reads all three PEMs; `kube` is needed only for ConfigMap and Secret sources. */
export async function readGoldmaneTls(
  sources: GoldmaneTlsSources,
  kube: KubeConfig | null,
): Promise<GoldmaneTlsMaterial> {
  const [ca, cert, key] = await Promise.all([
    readPem(sources.ca, kube, 'CERTIFICATE'),
    readPem(sources.cert, kube, 'CERTIFICATE'),
    readPem(sources.key, kube, 'PRIVATE KEY'),
  ]);
  return { ca, cert, key };
}

async function readPem(source: PemSource, kube: KubeConfig | null, kind: string): Promise<Buffer> {
  const where = describePemSource(source);
  let pem: Buffer;
  if (source.from === 'file') {
    try {
      pem = await readFile(source.path);
    } catch (error) {
      throw new Error(`cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        cause: error,
      });
    }
  } else {
    if (kube === null) throw new Error(`cannot read ${where}: no Kubernetes API configured`);
    pem = await readObjectKey(source, kube, where);
  }
  // "PRIVATE KEY" also matches "RSA PRIVATE KEY" and "EC PRIVATE KEY".
  if (!pem.toString('latin1').includes(`${kind}-----`)) throw new Error(`${where} holds no PEM ${kind}`);
  return pem;
}

async function readObjectKey(
  source: Extract<PemSource, { from: 'configmap' | 'secret' }>,
  kube: KubeConfig,
  where: string,
): Promise<Buffer> {
  const plural = source.from === 'configmap' ? 'configmaps' : 'secrets';
  const response = await kubeRequest(
    kube,
    'GET',
    `/api/v1/namespaces/${source.namespace}/${plural}/${source.name}`,
  );
  if (response.status !== 200) throw failureOf(response, `read ${where}`);
  const data = (response.body as { data?: Record<string, unknown> } | null)?.data ?? {};
  const value = data[source.key];
  if (typeof value !== 'string' || value === '') throw new Error(`${where} does not exist or is empty`);
  return source.from === 'secret' ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8');
}
