// What an authenticated connection holds: its epoch (the fence every status, lease and inventory
// write carries), its lease as last written, its credential rotation, its request correlation and
// inventory stream (both created on first use, so an idle tunnel does not pay for them), and the
// per-tunnel clocks the sweep reads, and what it knows of the agent's applied policy. Taking ownership is one Redis script: a new epoch and the
// lease, returning the lease it replaced so that gateway can be told to let go.
import { randomUUID } from 'node:crypto';
import type { HelloMessage, PendingRequests, WelcomeMessage } from '@palisade/protocol';
import type { FlowBatchStream } from '../flows/flow-batch-stream.js';
import type { InventoryStream } from '../inventory/inventory-stream.js';
import type { ClusterLease } from '../routing/keys.js';
import { TunnelRollout } from '../rollout/tunnel-rollout.js';
import type { AuthenticatedCluster } from './authenticate.js';
import { CredentialRotation } from './credential-rotation.js';
import type { TunnelContext } from './tunnel-context.js';

export interface Ownership {
  readonly cluster: AuthenticatedCluster;
  readonly sessionId: string;
  readonly epoch: number;
  readonly fence: { readonly clusterId: string; readonly epoch: number };
  lease: ClusterLease;
  readonly rotation: CredentialRotation;
  pending: PendingRequests | undefined;
  inventory: InventoryStream | undefined;
  /** This connection's flow batches, made on the first one. */
  flows: FlowBatchStream | undefined;
  /** The agent process (hello's instanceId): with the cluster and sequence, a batch's identity. */
  readonly agentInstance: string;
  readonly rollout: TunnelRollout;
  /** The status write of the welcome; the release waits for it so the rows end disconnected. */
  connectedWrite: Promise<void> | undefined;
  nextBeatAt: number;
  nextStatusAt: number;
  /** Counted in `tunnels_open`: set when the welcome went out. */
  opened: boolean;
  /** False once this connection is known to be superseded: cleanup must not touch the newer owner's state. */
  current: boolean;
}

export async function takeOwnership(
  ctx: TunnelContext,
  cluster: AuthenticatedCluster,
  hello: HelloMessage,
  now: number,
): Promise<{ ownership: Ownership; previous: ClusterLease | undefined }> {
  const sessionId = randomUUID();
  const draft = {
    gatewayId: ctx.gatewayId,
    sessionId,
    connectedAt: now,
    lastSeenAt: now,
    agentVersion: hello.agentVersion,
    kubernetesVersion: hello.cluster.kubernetesVersion,
    calicoVersion: hello.cluster.calicoVersion,
    provider: hello.cluster.provider,
  };
  const { epoch, previous } = await ctx.leases.acquire(cluster.clusterId, draft, cluster.leaseEpoch);
  const { tuning } = ctx;
  const ownership: Ownership = {
    cluster,
    sessionId,
    epoch,
    fence: { clusterId: cluster.clusterId, epoch },
    lease: { ...draft, epoch },
    rotation: new CredentialRotation(
      ctx.db,
      cluster.clusterId,
      { hash: cluster.credentialHash, issuedAt: cluster.credentialIssuedAt },
      { maxAgeMs: tuning.credentialMaxAgeMs, ackTimeoutMs: tuning.rotationAckTimeoutMs },
    ),
    pending: undefined,
    inventory: undefined,
    flows: undefined,
    agentInstance: hello.instanceId,
    rollout: new TunnelRollout(),
    connectedWrite: undefined,
    nextBeatAt: now + tuning.heartbeatIntervalMs,
    nextStatusAt: now + tuning.statusWriteIntervalMs,
    opened: false,
    current: true,
  };
  return { ownership, previous };
}

export function welcomeMessage(
  ctx: TunnelContext,
  protocolVersion: number,
  ownership: Ownership,
  credential: string | null,
): WelcomeMessage {
  const { tuning } = ctx;
  return {
    type: 'welcome',
    protocolVersion,
    clusterId: ownership.cluster.clusterId,
    sessionId: ownership.sessionId,
    heartbeatIntervalMs: tuning.heartbeatIntervalMs,
    deadPeerTimeoutMs: tuning.deadPeerTimeoutMs,
    limits: {
      maxFrameBytes: tuning.protocolLimits.maxFrameBytes,
      maxInventoryItemsPerFrame: tuning.protocolLimits.maxInventoryItemsPerFrame,
      maxFlowsPerBatch: tuning.protocolLimits.maxFlowsPerBatch,
    },
    credential,
  };
}
