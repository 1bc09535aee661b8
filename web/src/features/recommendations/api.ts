// Policy recommendations: the list (with the scope, clusters and tiers the page needs), refresh of
// one cluster, accept, dismiss, and the impact preview of enforcing one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AcceptPolicyRecommendationDocument,
  DismissPolicyRecommendationDocument,
  PolicyRecommendationsDocument,
  PromoteStagedPolicyDocument,
  PromotionPreviewDocument,
  RefreshPolicyRecommendationsDocument,
  SetRecommendationScopeDocument,
  type RecommendationState,
  type SetRecommendationScopeInput,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';
import { enforcedPreviewYaml, stagedRefOf, type Recommendation } from './model';

const recKey = (slug: string) => [...keys.org(slug), 'recommendations'] as const;

export function useRecommendations(slug: string, cluster: string | undefined, states: RecommendationState[]) {
  return useQuery({
    queryKey: [...recKey(slug), cluster ?? null, states],
    queryFn: async ({ signal }) => {
      const first = await gqlRequest(
        PolicyRecommendationsDocument,
        { slug, cluster: cluster ?? null, states: states.length > 0 ? states : null },
        signal,
      );
      const org = first.organization;
      const recs = org.policyRecommendations.edges.map((e) => e.node);
      let page = org.policyRecommendations.pageInfo;
      while (page.hasNextPage && page.endCursor) {
        const next = await gqlRequest(
          PolicyRecommendationsDocument,
          {
            slug,
            cluster: cluster ?? null,
            states: states.length > 0 ? states : null,
            after: page.endCursor,
          },
          signal,
        );
        recs.push(...next.organization.policyRecommendations.edges.map((e) => e.node));
        page = next.organization.policyRecommendations.pageInfo;
      }
      return {
        scope: org.recommendationScope,
        clusters: org.clusters.edges.map((e) => e.node),
        tiers: org.tiers.map((t) => t.name),
        recommendations: recs,
      };
    },
    placeholderData: (previous) => previous,
  });
}

function useRecMutation<TArgs, TResult>(slug: string, fn: (args: TArgs) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await qc.invalidateQueries({ queryKey: recKey(slug) });
      await qc.invalidateQueries({ queryKey: keys.policies(slug) });
    },
  });
}

export function useRefreshRecommendations(slug: string) {
  return useRecMutation(slug, (cluster: string) =>
    gqlRequest(RefreshPolicyRecommendationsDocument, { input: { orgSlug: slug, cluster } }).then(
      (d) => d.refreshPolicyRecommendations,
    ),
  );
}

export function useAcceptRecommendation(slug: string) {
  return useRecMutation(slug, (id: string) =>
    gqlRequest(AcceptPolicyRecommendationDocument, { input: { orgSlug: slug, id } }).then(
      (d) => d.acceptPolicyRecommendation,
    ),
  );
}

export function useDismissRecommendation(slug: string) {
  return useRecMutation(slug, (id: string) =>
    gqlRequest(DismissPolicyRecommendationDocument, { input: { orgSlug: slug, id } }).then(
      (d) => d.dismissPolicyRecommendation,
    ),
  );
}

/**
 * What enforcing `rec` would do to the last 24 hours of its cluster's flows: an accepted one is
 * previewed as the promotion of its staged policy; a recommended one as its enforced twin (with the
 * recommendation tier when the organisation has none yet).
 */
export function useRecommendationPreview(slug: string, rec: Recommendation | null, tierExists: boolean) {
  return useQuery({
    queryKey: [...recKey(slug), 'preview', rec?.id ?? null, rec?.changedAt ?? null, rec?.state ?? null],
    enabled: rec !== null,
    staleTime: 0,
    queryFn: () => {
      const r = rec!;
      const filter = { clusters: [r.cluster] };
      const input =
        r.state === 'ACCEPTED'
          ? { orgSlug: slug, filter, promote: stagedRefOf(r.yaml) }
          : { orgSlug: slug, filter, yaml: enforcedPreviewYaml(r.yaml, tierExists) };
      return gqlRequest(PromotionPreviewDocument, { input }).then((d) => d.previewPolicyChanges);
    },
  });
}

/** Enforce an accepted recommendation: promote its staged policy (the refresh then marks it ENFORCED). */
export function useEnforceRecommendation(slug: string) {
  return useRecMutation(slug, async (rec: Recommendation) => {
    const promoted = await gqlRequest(PromoteStagedPolicyDocument, {
      input: { orgSlug: slug, ...stagedRefOf(rec.yaml) },
    }).then((d) => d.promoteStagedPolicy);
    // The recommendation moves to ENFORCED when its cluster is next refreshed; do it now.
    await gqlRequest(RefreshPolicyRecommendationsDocument, {
      input: { orgSlug: slug, cluster: rec.cluster, namespaces: [rec.namespace] },
    });
    return promoted;
  });
}

/** Prefixes typed comma- or space-separated: trimmed, empty ones and repeats dropped. */
export function nameListOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
}

export function useSetRecommendationScope(slug: string) {
  return useRecMutation(slug, (input: Omit<SetRecommendationScopeInput, 'orgSlug'>) =>
    gqlRequest(SetRecommendationScopeDocument, { input: { orgSlug: slug, ...input } }).then(
      (d) => d.setRecommendationScope,
    ),
  );
}
