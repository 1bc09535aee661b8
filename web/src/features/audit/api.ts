// The audit log (newest first, cursor-paged) and the hash-chain verification.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { AuditChainDocument, AuditEventsDocument, type AuditEventFilter } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
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
