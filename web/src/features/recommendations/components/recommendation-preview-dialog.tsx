// What enforcing a recommendation would do to the last 24 hours of its cluster's flows, before
// anything is stored: totals per class and the flows whose verdict would change.
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Table } from '../../../components/ui/table';
import type { PromotionPreviewQuery } from '../../../generated/graphql';
import { promotionSummary } from '../../policies/components/promotion-preview-dialog';

type Preview = PromotionPreviewQuery['previewPolicyChanges'];

const CLASS_LABEL: Record<string, string> = {
  NEWLY_DENIED: 'Newly denied',
  NEWLY_ALLOWED: 'Newly allowed',
  UNCERTAIN: 'Uncertain',
};

export function RecommendationPreviewDialog({
  open,
  title,
  preview,
  loading,
  error,
  onClose,
}: {
  open: boolean;
  title: string;
  preview: Preview | undefined;
  loading: boolean;
  error: unknown;
  onClose: () => void;
}) {
  const flows = preview?.flows.edges.map((e) => e.node) ?? [];
  return (
    <Dialog open={open} title={title} onClose={onClose} actions={<Button onClick={onClose}>Close</Button>}>
      {loading && <p>Replaying the last 24 hours of flows…</p>}
      {error !== null && error !== undefined && (
        <p className="ui-field__error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {preview && (
        <>
          <p data-testid="preview-summary">{promotionSummary(preview)}</p>
          {flows.length > 0 ? (
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
          ) : (
            <p className="muted">No flow of the window would change its verdict.</p>
          )}
        </>
      )}
    </Dialog>
  );
}
