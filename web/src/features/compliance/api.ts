// Compliance reports: definitions (list, one with its runs, create, update, delete), on-demand
// runs, live run status, evidence downloads and the published signing keys.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  CreateReportDefinitionDocument,
  DeleteReportDefinitionDocument,
  DownloadReportRunDocument,
  EvidenceSigningKeysDocument,
  ReportDefinitionDocument,
  ReportDefinitionsDocument,
  ReportRunChangedDocument,
  ReportScopeCountDocument,
  RunReportDocument,
  UpdateReportDefinitionDocument,
  type CreateReportDefinitionInput,
  type ReportDefinitionsQuery,
  type ReportScopeCountQuery,
  type ReportScopeInput,
  type UpdateReportDefinitionInput,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';
import { subscribe } from '../../lib/subscriptions';

export const complianceKey = (slug: string) => [...keys.org(slug), 'compliance'] as const;

export function useReportDefinitions(slug: string) {
  return useQuery({
    queryKey: [...complianceKey(slug), 'definitions'],
    queryFn: async ({ signal }) => {
      const defs = [];
      let after: string | null = null;
      for (;;) {
        const data: ReportDefinitionsQuery = await gqlRequest(
          ReportDefinitionsDocument,
          { slug, after },
          signal,
        );
        const page = data.organization.reportDefinitions;
        defs.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
      }
      return defs;
    },
  });
}

export function useReportDefinition(slug: string, name: string) {
  return useQuery({
    queryKey: [...complianceKey(slug), 'definition', name],
    queryFn: ({ signal }) =>
      gqlRequest(ReportDefinitionDocument, { slug, name }, signal).then(
        (d) => d.organization.reportDefinition,
      ),
  });
}

/** Re-reads the compliance queries whenever a run of the organisation changes (progress included). */
export function useLiveReportRuns(slug: string) {
  const qc = useQueryClient();
  useEffect(
    () =>
      subscribe(
        ReportRunChangedDocument,
        { slug },
        { next: () => void qc.invalidateQueries({ queryKey: complianceKey(slug) }) },
      ),
    [slug, qc],
  );
}

function useComplianceMutation<TArgs, TResult>(slug: string, fn: (args: TArgs) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: complianceKey(slug) }),
  });
}

export function useSaveDefinition(slug: string) {
  return useComplianceMutation(
    slug,
    (
      args:
        | { create: true; input: Omit<CreateReportDefinitionInput, 'orgSlug'> }
        | { create: false; input: Omit<UpdateReportDefinitionInput, 'orgSlug'> },
    ) =>
      args.create
        ? gqlRequest(CreateReportDefinitionDocument, { input: { orgSlug: slug, ...args.input } }).then(
            (d) => d.createReportDefinition,
          )
        : gqlRequest(UpdateReportDefinitionDocument, { input: { orgSlug: slug, ...args.input } }).then(
            (d) => d.updateReportDefinition,
          ),
  );
}

export function useDeleteDefinition(slug: string) {
  return useComplianceMutation(slug, (name: string) =>
    gqlRequest(DeleteReportDefinitionDocument, { input: { orgSlug: slug, name } }),
  );
}

export function useRunReport(slug: string) {
  return useComplianceMutation(slug, (input: { name: string; start: string; end: string }) =>
    gqlRequest(RunReportDocument, { input: { orgSlug: slug, ...input } }).then((d) => d.runReport),
  );
}

/** Downloads a run's signed archive (an audit event each time). */
export function downloadRun(slug: string, runId: string) {
  return gqlRequest(DownloadReportRunDocument, { input: { orgSlug: slug, runId } }).then(
    (d) => d.downloadReportRun,
  );
}

export function useSigningKeys() {
  return useQuery({
    queryKey: ['evidence-signing-keys'],
    queryFn: ({ signal }) =>
      gqlRequest(EvidenceSigningKeysDocument, {}, signal).then((d) => d.evidenceSigningKeys),
    staleTime: 300_000,
  });
}

/** What a scope selects right now (the API applies the rule a run applies); re-asked as it changes. */
export function useScopeCount(slug: string, scope: ReportScopeInput, enabled: boolean) {
  return useQuery<ReportScopeCountQuery['organization']['reportScopeCount']>({
    queryKey: [...complianceKey(slug), 'scope-count', scope],
    enabled,
    staleTime: 30_000,
    retry: false,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      gqlRequest(ReportScopeCountDocument, { slug, scope }, signal).then(
        (d) => d.organization.reportScopeCount,
      ),
  });
}
