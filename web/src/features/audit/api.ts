// The audit log (newest first, cursor-paged) and the hash-chain verification.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AuditChainDocument,
  AuditEventsDocument,
  AuditExportSigningKeysDocument,
  AuditLogExportDocument,
  type AuditEventFilter,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { useMemo } from 'react';
import { useClusters } from '../clusters/api';
import { useOrgHeader } from '../orgs/api';
import { keys } from '../../lib/query-keys';

const PAGE = 25;

export function useAuditEvents(slug: string, filter: AuditEventFilter, first = PAGE) {
  return useInfiniteQuery({
    queryKey: [...keys.audit(slug), 'events', filter, first],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      gqlRequest(
        AuditEventsDocument,
        { slug, filter, first, ...(pageParam ? { after: pageParam } : {}) },
        signal,
      ).then((d) => d.organization.auditEvents),
    getNextPageParam: (last) =>
      last.pageInfo.hasNextPage ? (last.pageInfo.endCursor ?? undefined) : undefined,
  });
}

export function useAuditChain(slug: string) {
  return useQuery({
    queryKey: [...keys.audit(slug), 'chain'],
    queryFn: ({ signal }) =>
      gqlRequest(AuditChainDocument, { slug }, signal).then((d) => d.organization.auditChain),
    staleTime: 30_000,
  });
}

/** Names of targets the audit log refers to by id: the organisation and its live clusters. */
export function useTargetNames(slug: string): ReadonlyMap<string, string> {
  const org = useOrgHeader(slug);
  const clusters = useClusters(slug);
  return useMemo(() => {
    const m = new Map<string, string>();
    if (org.data) m.set(org.data.id, org.data.name);
    for (const e of clusters.data?.edges ?? []) m.set(e.node.id, e.node.name);
    return m;
  }, [org.data, clusters.data]);
}

/** A signed export of [from, to); the export is itself an audit event, so the log refreshes. */
export function useExportAuditLog(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (range: { from: string; to: string }) =>
      gqlRequest(AuditLogExportDocument, { input: { orgSlug: slug, ...range } }).then(
        (d) => d.exportAuditLog,
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.audit(slug) }),
  });
}

/** The keys evidence is signed with (public; to verify an export offline). */
export function useSigningKeys(enabled: boolean) {
  return useQuery({
    queryKey: ['evidence-signing-keys'],
    queryFn: ({ signal }) =>
      gqlRequest(AuditExportSigningKeysDocument, {}, signal).then((d) => d.evidenceSigningKeys),
    enabled,
    staleTime: 300_000,
  });
}
