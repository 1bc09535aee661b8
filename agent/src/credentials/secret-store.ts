// The credential as a Kubernetes Secret in the agent's own namespace, so it survives pod restarts
// and rescheduling. The install manifest grants get/update on this one Secret by name and create on
// secrets, nothing wider: load reads it, save replaces it (resourceVersion-checked) or creates it.
// One key per field, so `kubectl get secret -o yaml` shows what is there without decoding JSON.

import { ApiException, CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL } from '@palisade/policy/managed';
import { describeKubeFailure } from '../providers/kubernetes/kube-errors.js';
import { parseStoredCredential, type CredentialStore, type StoredCredential } from './credential-store.js';

const KEYS = {
  credential: 'credential',
  clusterId: 'clusterId',
  enrollmentTokenSha256: 'enrollmentTokenSha256',
} as const;

export class SecretCredentialStore implements CredentialStore {
  readonly description: string;
  readonly #core: CoreV1Api;
  readonly #namespace: string;
  readonly #name: string;

  constructor(config: KubeConfig, namespace: string, name: string) {
    this.#core = config.makeApiClient(CoreV1Api);
    this.#namespace = namespace;
    this.#name = name;
    this.description = `secret ${namespace}/${name}`;
  }

  async load(): Promise<StoredCredential | null> {
    const secret = await this.#read();
    if (secret === null) return null;
    const data = secret.data ?? {};
    if (data[KEYS.credential] === undefined) return null;
    const decode = (key: string): string | null =>
      data[key] === undefined ? null : Buffer.from(data[key], 'base64').toString('utf8');
    return parseStoredCredential(
      {
        credential: decode(KEYS.credential),
        clusterId: decode(KEYS.clusterId),
        enrollmentTokenSha256: decode(KEYS.enrollmentTokenSha256),
      },
      this.description,
    );
  }

  async save(credential: StoredCredential): Promise<void> {
    const data: Record<string, string> = { [KEYS.credential]: b64(credential.credential) };
    if (credential.clusterId !== null) data[KEYS.clusterId] = b64(credential.clusterId);
    if (credential.enrollmentTokenSha256 !== null)
      data[KEYS.enrollmentTokenSha256] = b64(credential.enrollmentTokenSha256);
    const existing = await this.#read();
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: this.#name,
        namespace: this.#namespace,
        // The agent's own Secret: managed by the agent, so never one of Palisade's policy objects.
        labels: { [MANAGED_BY_LABEL]: 'palisade-agent' },
        ...(existing?.metadata?.resourceVersion === undefined
          ? {}
          : { resourceVersion: existing.metadata.resourceVersion }),
      },
      data,
    };
    try {
      if (existing === null) await this.#core.createNamespacedSecret({ namespace: this.#namespace, body });
      else await this.#core.replaceNamespacedSecret({ namespace: this.#namespace, name: this.#name, body });
    } catch (error) {
      throw new Error(describeKubeFailure(error, `write ${this.description}`).message, { cause: error });
    }
  }

  async #read(): Promise<V1Secret | null> {
    try {
      return await this.#core.readNamespacedSecret({ namespace: this.#namespace, name: this.#name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return null;
      throw new Error(describeKubeFailure(error, `read ${this.description}`).message, { cause: error });
    }
  }
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
