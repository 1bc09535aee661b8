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
  if (config.getCurrentCluster() === null) {
    throw new Error(
      source.inCluster
        ? 'not running in a cluster: no ServiceAccount environment found'
        : 'the kubeconfig has no current cluster',
    );
  }
  return config;
}
