// How the agent finds the Kubernetes API: the pod's ServiceAccount when running in the cluster, else
// a kubeconfig file (the given path, else KUBECONFIG/~/.kube/config as kubectl would). The caller
// passes paths in; this module reads no environment of its own beyond what the client library does
// for the default kubeconfig location.

import { KubeConfig } from '@kubernetes/client-node';

export type KubeConfigSource =
  { readonly inCluster: true } | { readonly inCluster: false; readonly kubeconfigPath: string | null };

export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const config = new KubeConfig();
  if (source.inCluster) {
    config.loadFromCluster();
  } else if (source.kubeconfigPath !== null) {
    config.loadFromFile(source.kubeconfigPath);
  } else {
    config.loadFromDefault();
  }
  // loadFromCluster does not fail outside a cluster: it yields https://undefined:undefined.
  const server = config.getCurrentCluster()?.server ?? '';
  if (!URL.canParse(server) || ['', 'undefined'].includes(new URL(server).hostname)) {
    throw new Error(
      source.inCluster
        ? 'not running in a cluster: KUBERNETES_SERVICE_HOST and the ServiceAccount token are not there'
        : 'the kubeconfig has no current cluster with a server URL',
    );
  }
  return config;
}
