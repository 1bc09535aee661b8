// The audit chain's verification result: every event's hash links to the previous one, so an
// edited, removed or reordered row breaks the chain at a known position.
import { StatusPill } from '../../../components/ui/badge';
import { Skeleton } from '../../../components/ui/skeleton';
import { useAuditChain } from '../api';
import { plural } from '../../../lib/format';

export function ChainBadge({ slug }: { slug: string }) {
  const chain = useAuditChain(slug);
  if (chain.isPending) return <Skeleton width={140} height={22} />;
  if (chain.isError) return <StatusPill tone="warn" label="Chain not checked" title={chain.error.message} />;
  const c = chain.data;
  return c.valid ? (
    <StatusPill
      tone="ok"
      label={`Chain verified · ${plural(c.checkedEvents, 'event')}`}
      {...(c.headHash ? { title: `Head hash ${c.headHash}` } : {})}
    />
  ) : (
    <StatusPill tone="danger" label={`Chain broken at event ${c.firstInvalidSeq ?? '?'}`} />
  );
}
