// DiffView: a unified line diff of two texts (added lines green, removed red, long unchanged runs
// folded), used for audit before/after and policy revisions.
import { foldContext, lineDiff } from '@palisade/policy/managed';

export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = foldContext(lineDiff(before, after), 3);
  if (lines.every((l) => l.kind === 'same')) return <p>No differences.</p>;
  return (
    <pre className="ui-diff" aria-label={label} tabIndex={0}>
      {lines.map((l, i) => {
        const sign = l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : l.kind === 'gap' ? '' : '  ';
        return (
          <span key={i} className={`ui-diff__line ui-diff__line--${l.kind}`}>
            {l.kind === 'add' && <span className="visually-hidden">added: </span>}
            {l.kind === 'del' && <span className="visually-hidden">removed: </span>}
            {sign}
            {l.text}
          </span>
        );
      })}
    </pre>
  );
}
