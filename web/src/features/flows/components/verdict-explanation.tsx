// Why a flow got its verdict: the enforced trace and, when staged policies are involved, the
// pending one, each drawn as the path Calico took — tier by tier, the policy that acted and its
// rule, or the end of the tier (with the policy that selected the endpoint), or the profile that
// decided when no policy applied. Each managed policy links to the editor.
import { Link } from '@tanstack/react-router';
import { Badge, type Tone } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import type { PolicyAction } from '../../../generated/graphql';
import type { FlowHit, FlowRow } from '../api';
import { editorSearchOf, kindLabel } from '../policy-link';
import { endpointLabel, namespaceLabel } from '../format';

const ACTION_TONE: Record<PolicyAction, Tone> = { ALLOW: 'ok', DENY: 'danger', PASS: 'info' };
const ACTION_WORD: Record<PolicyAction, string> = { ALLOW: 'Allow', DENY: 'Deny', PASS: 'Pass' };

export function ActionBadge({ action }: { action: PolicyAction }) {
  return <Badge tone={ACTION_TONE[action]}>{ACTION_WORD[action]}</Badge>;
}

function PolicyName({
  slug,
  policy,
}: {
  slug: string;
  policy: { kind: FlowHit['kind']; namespace?: string | null; name: string };
}) {
  const search = editorSearchOf(policy);
  const text = policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name;
  return (
    <>
      <span className="muted">{kindLabel(policy.kind)}</span>{' '}
      {search ? (
        <Link to="/o/$slug/policies/editor" params={{ slug }} search={search} className="mono">
          {text}
        </Link>
      ) : (
        <span className="mono">{text}</span>
      )}
    </>
  );
}

function ruleText(hit: FlowHit): string {
  if (hit.ruleIndex === -1) return 'no rule matched: the tier’s default action';
  if (hit.ruleIndex < 0) return 'rule unknown';
  return `rule ${hit.ruleIndex}`;
}

function HitStep({ slug, hit }: { slug: string; hit: FlowHit }) {
  if (hit.kind === 'PROFILE')
    return (
      <li className="trace__step">
        <ActionBadge action={hit.action} /> No policy selected the endpoint; its profile{' '}
        <span className="mono">{hit.name}</span> decided.
      </li>
    );
  if (hit.kind === 'END_OF_TIER')
    return (
      <li className="trace__step">
        <ActionBadge action={hit.action} /> End of tier: no rule of the tier matched an endpoint it selects
        {hit.trigger ? (
          <>
            {' '}
            (selected by <PolicyName slug={slug} policy={hit.trigger} />)
          </>
        ) : null}
        , so the tier’s default action applies.
      </li>
    );
  return (
    <li className="trace__step">
      <ActionBadge action={hit.action} /> <PolicyName slug={slug} policy={hit} />, {ruleText(hit)}
      {hit.action === 'PASS' ? ': passed to the next tier' : ''}
    </li>
  );
}

/** Consecutive hits of one tier, in evaluation order. */
function byTier(hits: readonly FlowHit[]): { tier: string; hits: FlowHit[] }[] {
  const sorted = [...hits].sort((a, b) => a.policyIndex - b.policyIndex);
  const out: { tier: string; hits: FlowHit[] }[] = [];
  for (const hit of sorted) {
    const last = out.at(-1);
    if (last && last.tier === hit.tier) last.hits.push(hit);
    else out.push({ tier: hit.tier, hits: [hit] });
  }
  return out;
}

export function TracePath({ slug, hits, label }: { slug: string; hits: readonly FlowHit[]; label: string }) {
  if (hits.length === 0) return <p className="muted">The reporter sent no trace for this flow.</p>;
  return (
    <ol className="trace" aria-label={label}>
      {byTier(hits).map((group, i) => (
        <li key={`${group.tier}-${i}`} className="trace__tier">
          <span className="trace__tier-name">
            {group.tier === '__PROFILE__' ? 'Profiles' : <>Tier {group.tier}</>}
          </span>
          <ol className="trace__steps">
            {group.hits.map((hit) => (
              <HitStep key={hit.policyIndex} slug={slug} hit={hit} />
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}

export function VerdictExplanation({
  slug,
  flow,
  onClose,
}: {
  slug: string;
  flow: FlowRow;
  onClose: () => void;
}) {
  const pendingDiffers =
    flow.pendingAction !== null && flow.pendingAction !== undefined && flow.pendingAction !== flow.action;
  return (
    <section className="card verdict" aria-labelledby="verdict-heading">
      <div className="verdict__header">
        <h2 id="verdict-heading">Verdict</h2>
        <Button variant="ghost" size="small" onClick={onClose}>
          Close
        </Button>
      </div>
      <p>
        <span className="mono">{endpointLabel(flow.sourceName, flow.sourceNamespace)}</span> →{' '}
        <span className="mono">{endpointLabel(flow.destName, flow.destNamespace)}</span>
        {flow.destPort !== null && flow.destPort !== undefined ? (
          <span className="mono">
            :{flow.destPort}/{flow.proto}
          </span>
        ) : (
          <span className="mono"> {flow.proto}</span>
        )}{' '}
        on <strong>{flow.cluster.name}</strong>, reported by the{' '}
        {flow.reporter === 'SRC' ? 'source (egress)' : 'destination (ingress)'}.
      </p>
      {flow.destServiceName !== '-' && (
        <p className="muted">
          Addressed to Service{' '}
          <span className="mono">
            {namespaceLabel(flow.destServiceNamespace)}/{flow.destServiceName}
            {flow.destServicePort ? `:${flow.destServicePort}` : ''}
          </span>
        </p>
      )}
      <h3>
        Enforced: <ActionBadge action={flow.action} />
      </h3>
      <TracePath slug={slug} hits={flow.enforcedPolicies} label="Enforced trace" />
      {flow.pendingPolicies.length > 0 && (
        <>
          <h3>
            Pending (staged policies enforced):{' '}
            {flow.pendingAction ? (
              <ActionBadge action={flow.pendingAction} />
            ) : (
              <span className="muted">none</span>
            )}
          </h3>
          {pendingDiffers && (
            <p className="verdict__warn" role="note">
              Enforcing the staged policies would change this verdict.
            </p>
          )}
          <TracePath slug={slug} hits={flow.pendingPolicies} label="Pending trace" />
        </>
      )}
      <dl className="verdict__counters">
        <dt>Connections</dt>
        <dd>
          {flow.numFlows} ({flow.numFlowsStarted} started, {flow.numFlowsCompleted} completed)
        </dd>
        <dt>Packets in / out</dt>
        <dd>
          {flow.packetsIn} / {flow.packetsOut}
        </dd>
        <dt>Bytes in / out</dt>
        <dd>
          {flow.bytesIn} / {flow.bytesOut}
        </dd>
      </dl>
    </section>
  );
}
