// Policy resources through the API: the board (every tier and policy, all pages), one resource
// with its revisions, save (create or update), delete, reorder, rollback, promote, apply a YAML
// stream (dry run first), export. Sync changes pushed by the API refresh the board.
import { DEFAULT_DRIFT_MODE, isPolicyKind, isStagedKind } from '@palisade/policy/managed';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  ApplyResourcesDocument,
  CreatePolicyResourceDocument,
  DeletePolicyResourceDocument,
  ExportResourcesDocument,
  PolicyBoardDocument,
  PolicyResourceDocument,
  PolicySyncChangedDocument,
  PromoteStagedPolicyDocument,
  PromotionPreviewDocument,
  ReorderTierPoliciesDocument,
  RollbackPolicyResourceDocument,
  SetDriftModeDocument,
  UpdatePolicyResourceDocument,
  type DriftMode,
  type PolicyBoardQuery,
  type PolicyCardFieldsFragment,
  type PolicyResourceKind,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';
import { subscribe } from '../../lib/subscriptions';
import { buildBoard, type BoardPolicy, type BoardTier, type PolicyRef } from './model';

type Tiers = PolicyBoardQuery['organization']['tiers'];

/** Calico evaluates Kubernetes NetworkPolicies in the default tier at order 1000. */
const K8S_ORDER = 1000;
/** The organisation default before the API said otherwise, as the GraphQL enum spells it. */
const DEFAULT_DRIFT = DEFAULT_DRIFT_MODE.toUpperCase() as DriftMode;
const MAX_PAGES = 100;

export interface PolicyBoardData {
  tiers: BoardTier[];
  defaultDriftMode: DriftMode;
  /** Network sets and other non-policy resources, listed beside the board. */
  others: PolicyCardFieldsFragment[];
  total: number;
}

function specOrder(object: unknown): number | null {
  if (typeof object !== 'object' || object === null) return null;
  const spec = (object as { spec?: unknown }).spec;
  if (typeof spec !== 'object' || spec === null) return null;
  const order = (spec as { order?: unknown }).order;
  return typeof order === 'number' ? order : null;
}

export function toBoardPolicy(p: PolicyCardFieldsFragment): BoardPolicy {
  const k8s = p.kind === 'KubernetesNetworkPolicy' || p.kind === 'StagedKubernetesNetworkPolicy';
  return {
    id: p.id,
    kind: p.kind,
    namespace: p.namespace,
    name: p.name,
    tier: p.tier ?? 'default',
    order: k8s ? K8S_ORDER : specOrder(p.object),
    staged: isStagedKind(p.kind),
    clusterSelector: p.clusterSelector,
    clusters: p.clusterStatus.map((s) => ({ name: s.cluster.name, status: s.status })),
  };
}

export function toBoard(
  tiers: Tiers,
  resources: readonly PolicyCardFieldsFragment[],
  defaultDriftMode: DriftMode = DEFAULT_DRIFT,
): PolicyBoardData {
  const policies = resources.filter((r) => isPolicyKind(r.kind));
  return {
    defaultDriftMode,
    tiers: buildBoard(
      tiers.map((t) => ({
        name: t.name,
        order: t.order,
        defaultAction: t.defaultAction,
        builtIn: t.builtIn,
      })),
      policies.map(toBoardPolicy),
    ),
    others: resources.filter((r) => !isPolicyKind(r.kind) && r.kind !== 'Tier'),
    total: policies.length,
  };
}

export function usePolicyBoard(slug: string) {
  return useQuery({
    queryKey: [...keys.policies(slug), 'board'],
    queryFn: async ({ signal }) => {
      let after: string | undefined;
      let tiers: Tiers = [];
      let drift: DriftMode = DEFAULT_DRIFT;
      const resources: PolicyCardFieldsFragment[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const d = await gqlRequest(PolicyBoardDocument, { slug, ...(after ? { after } : {}) }, signal);
        tiers = d.organization.tiers;
        drift = d.organization.defaultDriftMode;
        resources.push(...d.organization.policyResources.edges.map((e) => e.node));
        const info = d.organization.policyResources.pageInfo;
        if (!info.hasNextPage || !info.endCursor) break;
        after = info.endCursor;
      }
      return toBoard(tiers, resources, drift);
    },
  });
}

/** Refreshes policy, dashboard and cluster data when the API reports a cluster's policy sync changed. */
export function useLivePolicySync(slug: string): void {
  const qc = useQueryClient();
  useEffect(() => {
    let timer: number | undefined;
    const unsubscribe = subscribe(
      PolicySyncChangedDocument,
      { slug },
      {
        next: () => {
          window.clearTimeout(timer);
          timer = window.setTimeout(() => {
            for (const key of [keys.policies(slug), keys.dashboard(slug), keys.clusters(slug)])
              void qc.invalidateQueries({ queryKey: key });
          }, 300);
        },
      },
    );
    return () => {
      window.clearTimeout(timer);
      unsubscribe();
    };
  }, [qc, slug]);
}

export interface ResourceRef {
  kind: PolicyResourceKind;
  namespace: string | null;
  name: string;
}

function refInput(ref: ResourceRef) {
  return { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
}

export function usePolicyResource(slug: string, ref: ResourceRef | null) {
  return useQuery({
    queryKey: [...keys.policies(slug), 'resource', ref],
    enabled: ref !== null,
    queryFn: ({ signal }) =>
      gqlRequest(PolicyResourceDocument, { slug, ...refInput(ref as ResourceRef) }, signal).then(
        (d) => d.organization.policyResource,
      ),
  });
}

/**
 * A policy mutation that refreshes the policy queries once settled. `awaitRefresh: false` is for a
 * mutation after which the open resource no longer exists (a promotion, a deletion): awaiting the refetch would
 * render "not found" and unmount the caller before its own onSuccess (the navigation) could run.
 */
function usePolicyMutation<TArgs, TResult>(
  slug: string,
  fn: (args: TArgs) => Promise<TResult>,
  { awaitRefresh = true }: { awaitRefresh?: boolean } = {},
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      const refresh = qc.invalidateQueries({ queryKey: keys.policies(slug) });
      return awaitRefresh ? refresh : undefined;
    },
  });
}

export function useSavePolicy(slug: string) {
  return usePolicyMutation(slug, ({ yaml, existing }: { yaml: string; existing: boolean }) =>
    existing
      ? gqlRequest(UpdatePolicyResourceDocument, { input: { orgSlug: slug, yaml } }).then(
          (d) => d.updatePolicyResource,
        )
      : gqlRequest(CreatePolicyResourceDocument, { input: { orgSlug: slug, yaml } }).then(
          (d) => d.createPolicyResource,
        ),
  );
}

export function useDeletePolicy(slug: string) {
  return usePolicyMutation(
    slug,
    (ref: ResourceRef) =>
      gqlRequest(DeletePolicyResourceDocument, { input: { orgSlug: slug, ...refInput(ref) } }),
    { awaitRefresh: false },
  );
}

export function useRollbackPolicy(slug: string) {
  return usePolicyMutation(slug, ({ ref, revision }: { ref: ResourceRef; revision: number }) =>
    gqlRequest(RollbackPolicyResourceDocument, { input: { orgSlug: slug, revision, ...refInput(ref) } }).then(
      (d) => d.rollbackPolicyResource,
    ),
  );
}

export function usePromotePolicy(slug: string) {
  return usePolicyMutation(
    slug,
    (ref: ResourceRef) =>
      gqlRequest(PromoteStagedPolicyDocument, { input: { orgSlug: slug, ...refInput(ref) } }).then(
        (d) => d.promoteStagedPolicy,
      ),
    { awaitRefresh: false },
  );
}

/** What promoting a staged policy would do to the last 24 hours of flows (stage → preview → enforce). */
export function usePromotionPreview(slug: string, ref: ResourceRef | null) {
  return useQuery({
    queryKey: [...keys.policies(slug), 'promotion-preview', ref],
    queryFn: () =>
      gqlRequest(PromotionPreviewDocument, { input: { orgSlug: slug, promote: refInput(ref!) } }).then(
        (d) => d.previewPolicyChanges,
      ),
    enabled: ref !== null,
    staleTime: 0,
  });
}

/** Saves a tier's new order; the board shows it optimistically and rolls back on failure. */
export function useReorderTier(slug: string) {
  const qc = useQueryClient();
  const boardKey = [...keys.policies(slug), 'board'];
  return useMutation({
    mutationFn: ({ tier, order }: { tier: string; order: BoardPolicy[] }) =>
      gqlRequest(ReorderTierPoliciesDocument, {
        input: {
          orgSlug: slug,
          tier,
          order: order.map((p: PolicyRef) => refInput({ ...p, kind: p.kind as PolicyResourceKind })),
        },
      }),
    onMutate: async ({ tier, order }) => {
      await qc.cancelQueries({ queryKey: boardKey });
      const previous = qc.getQueryData<PolicyBoardData>(boardKey);
      if (previous)
        qc.setQueryData<PolicyBoardData>(boardKey, {
          ...previous,
          tiers: previous.tiers.map((t) => (t.name === tier ? { ...t, policies: order } : t)),
        });
      return { previous };
    },
    onError: (_err, _vars, context) => {
      if (context?.previous) qc.setQueryData(boardKey, context.previous);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.policies(slug) }),
  });
}

export function useApplyResources(slug: string) {
  return usePolicyMutation(slug, ({ yaml, dryRun }: { yaml: string; dryRun: boolean }) =>
    gqlRequest(ApplyResourcesDocument, { input: { orgSlug: slug, yaml, dryRun } }).then(
      (d) => d.applyResources,
    ),
  );
}

export function exportResources(slug: string): Promise<string> {
  return gqlRequest(ExportResourcesDocument, { slug }).then((d) => d.exportResources);
}

/** Drift mode of one resource (null: follow the organisation), or without `ref` the default. */
export function useSetDriftMode(slug: string) {
  return usePolicyMutation(slug, ({ ref, mode }: { ref: ResourceRef | null; mode: DriftMode | null }) =>
    gqlRequest(SetDriftModeDocument, {
      input: { orgSlug: slug, ...(ref ? { resource: refInput(ref) } : {}), ...(mode ? { mode } : {}) },
    }).then((d) => d.setDriftMode),
  );
}
