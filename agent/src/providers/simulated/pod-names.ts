// Pod names and the `pod-template-hash` label, in the form a Deployment gives them:
// `<workload>-<hash>-<n>`. The hash depends only on the workload's namespace and name, so pods keep
// their names (and with them their addresses and nodes) when the description is edited; a real
// cluster would roll them under a new hash on a label change, which would only add noise here.

import { createHash } from 'node:crypto';

/** Kubernetes' SafeEncodeString alphabet: no vowels (no words), no look-alikes. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(namespace: string, workload: string): string {
  const digest = createHash('sha256').update(`${namespace}/${workload}`).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

export function podName(workload: string, hash: string, index: number): string {
  return `${workload}-${hash}-${String(index)}`;
}

/** A stable node for a pod: spread by hash, independent of every other pod. */
export function nodeIndex(pod: string, nodes: number): number {
  return createHash('sha256').update(pod).digest().readUInt32BE(0) % nodes;
}
