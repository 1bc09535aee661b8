// Stage → preview → enforce: before a staged policy is promoted, what enforcing it would do to the
// last 24 hours of flows of the clusters it targets — newly denied, newly allowed and undecidable
// flows, each uncertain one with why — and the button that promotes.
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Table } from '../../../components/ui/table';
import type { PromotionPreviewQuery } from '../../../generated/graphql';

type Preview = PromotionPreviewQuery['previewPolicyChanges'];

const CLASS_LABEL: Record<string, string> = {
  NEWLY_DENIED: 'Newly denied',
  NEWLY_ALLOWED: 'Newly allowed',
  UNCERTAIN: 'Uncertain',
};

export function promotionSummary(p: Preview): string {
  const t = p.totals;
  const flows = t.newlyDenied + t.newlyAllowed + t.uncertain + t.unchanged;
  return `${flows} flow${flows === 1 ? '' : 's'} replayed: ${t.newlyDenied} newly denied, ${t.newlyAllowed} newly allowed, ${t.uncertain} uncertain, ${t.unchanged} unchanged.`;
}

export function PromotionPreviewDialog({
  open,
  name,
  preview,
  loading,
  error,
  promoting,
  onPromote,
  onClose,
}: {
  open: boolean;
  name: string;
  preview: Preview | undefined;
  loading: boolean;
  error: string | null;
  promoting: boolean;
  onPromote: () => void;
  onClose: () => void;
}) {
  const flows = preview?.flows.edges.map((e) => e.node) ?? [];
  return (
    <Dialog
      open={open}
      title={`Promote ${name}?`}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Keep staged</Button>
          <Button variant="primary" busy={promoting} disabled={loading} onClick={onPromote}>
            {preview && preview.totals.newlyDenied > 0 ? 'Promote anyway' : 'Promote to enforced'}
          </Button>
        </>
      }
    >
      {loading && <p>Replaying the last 24 hours of flows…</p>}
      {error && (
        <p className="ui-field__error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <>
          <p>{promotionSummary(preview)}</p>
          {flows.length > 0 && (
            <Table
              caption="Flows whose verdict would change"
              columns={['Change', 'Cluster', 'Source', 'Destination', 'Why uncertain']}
            >
              {flows.map((f) => (
                <tr key={f.id}>
                  <td>{CLASS_LABEL[f.class] ?? f.class}</td>
                  <td>{f.cluster}</td>
                  <td>{`${f.sourceNamespace}/${f.sourceName}`}</td>
                  <td>{`${f.destNamespace}/${f.destName}${f.destPort === null ? '' : `:${f.destPort}`}/${f.proto}`}</td>
                  <td>{f.uncertainties.map((u) => u.detail).join('; ')}</td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}
    </Dialog>
  );
}
