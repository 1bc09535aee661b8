// What each node does under the cluster's FelixConfigurations (decision 0091), for both providers:
// Felix reads the `default` object and lets a `node.<name>` object override it field by field; the
// dataplane is eBPF when bpfEnabled, nftables when nftablesMode is Enabled, iptables otherwise
// (Auto only picks nftables when kube-proxy runs in nftables mode, which neither provider detects).
// A node encrypts when WireGuard is enabled for it and it has published its public key.
import type { FelixConfigurationSpec, PolicyResource } from '@palisade/policy';
import type { Dataplane, NodeInfo } from '@palisade/protocol';

/** Felix's default WireGuard MTU, reported when the configuration leaves it to detection (0 or unset). */
export const DEFAULT_WIREGUARD_MTU = 1440;

/** The FelixConfiguration settings in force on `node`: `default`, overridden by `node.<node>`. */
export function effectiveFelix(resources: readonly PolicyResource[], node: string): FelixConfigurationSpec {
  const byName = new Map(
    resources
      .filter((r) => r.apiVersion === 'projectcalico.org/v3' && r.kind === 'FelixConfiguration')
      .map((r) => [r.metadata.name, r.spec]),
  );
  return { ...byName.get('default'), ...byName.get(`node.${node}`) };
}

export function dataplaneOf(settings: FelixConfigurationSpec): Dataplane {
  if (settings.bpfEnabled === true) return 'bpf';
  if (settings.nftablesMode === 'Enabled') return 'nftables';
  return 'iptables';
}

export interface NodeFacts {
  name: string;
  /** Whether the node carries `projectcalico.org/WireguardPublicKey`. */
  publicKey: boolean;
  calicoVersion: string | null;
}

export function nodeInfo(facts: NodeFacts, settings: FelixConfigurationSpec): NodeInfo {
  const wireguardEnabled = settings.wireguardEnabled === true;
  const mtu = settings.wireguardMTU;
  return {
    name: facts.name,
    dataplane: dataplaneOf(settings),
    wireguardEnabled,
    wireguardPublicKey: facts.publicKey,
    mtu: wireguardEnabled ? (mtu !== undefined && mtu > 0 ? mtu : DEFAULT_WIREGUARD_MTU) : null,
    calicoVersion: facts.calicoVersion,
  };
}
