// The rules of a recommended policy in words, each with the flows that produced it.
import { Badge } from '../../../components/ui/badge';
import type { RuleView } from '../model';

export function RecommendationRules({ rules }: { rules: readonly RuleView[] }) {
  if (rules.length === 0) return <p className="muted">This recommendation has no rules.</p>;
  return (
    <ol className="rec-rules" aria-label="Recommended rules">
      {rules.map((r) => (
        <li key={`${r.direction}:${r.index}`} className="rec-rule">
          <div className="row">
            <Badge tone={r.direction === 'ingress' ? 'info' : 'neutral'}>
              {r.direction === 'ingress' ? 'Ingress' : 'Egress'} {r.index + 1}
            </Badge>
            <strong>{r.action}</strong>
            <span>{r.traffic}</span>
            <span className="muted">{r.direction === 'ingress' ? 'from' : 'to'}</span>
            <span>{r.peer}</span>
            <span className="muted">
              · {r.flowCount} flow{r.flowCount === 1 ? '' : 's'} behind it
            </span>
          </div>
          {r.namedFlows.length > 0 && (
            <ul className="rec-rule__flows" aria-label="Flows behind this rule">
              {r.namedFlows.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
