// What the hello reports about a real cluster: the API server's version, and Calico's version from
// its ClusterInformation when Calico is installed (null when it is not, or the agent may not read it).

import { CustomObjectsApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { VERSION_STRING, type ClusterFacts } from '@palisade/protocol';
import { describeKubeFailure } from './kube-errors.js';

export async function readClusterFacts(config: KubeConfig): Promise<ClusterFacts> {
  let gitVersion: string;
  try {
    gitVersion = (await config.makeApiClient(VersionApi).getCode()).gitVersion;
  } catch (error) {
    throw new Error(describeKubeFailure(error, 'read the server version').message, { cause: error });
  }
  return {
    provider: 'kubernetes',
    kubernetesVersion: asVersion(gitVersion) ?? 'unknown',
    calicoVersion: await readCalicoVersion(config),
  };
}

async function readCalicoVersion(config: KubeConfig): Promise<string | null> {
  try {
    const info = (await config.makeApiClient(CustomObjectsApi).getClusterCustomObject({
      group: 'crd.projectcalico.org',
      version: 'v1',
      plural: 'clusterinformations',
      name: 'default',
    })) as { spec?: { calicoVersion?: unknown } };
    const version = info.spec?.calicoVersion;
    return typeof version === 'string' ? asVersion(version) : null;
  } catch {
    return null;
  }
}

function asVersion(text: string): string | null {
  return text.length <= VERSION_STRING.maxLength && VERSION_STRING.test(text) ? text : null;
}
