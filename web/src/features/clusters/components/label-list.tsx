// Labels as monospace badges ("env=prod"), or a dash when there are none.
import { Badge } from '../../../components/ui/badge';

export function LabelList({ labels }: { labels: readonly { key: string; value: string }[] }) {
  if (labels.length === 0) return <span aria-label="no labels">—</span>;
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      {labels.map((l) => (
        <Badge key={l.key} mono>
          {l.key}={l.value}
        </Badge>
      ))}
    </span>
  );
}
