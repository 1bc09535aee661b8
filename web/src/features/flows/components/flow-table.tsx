// The flow list: one row per flow (15-second bucket of one endpoint pair), newest or sorted; a row
// is a button that opens its verdict. New rows from the live stream are marked until the next one.
import { useEffect, useRef } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Table } from '../../../components/ui/table';
import type { FlowRow } from '../api';
import { endpointLabel } from '../format';
import { ActionBadge } from './verdict-explanation';

const TIME = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const COLUMNS = [
  'Time',
  'Cluster',
  'Source',
  'Destination',
  'Port',
  'Action',
  'Pending',
  'Reporter',
  'Connections',
];

export interface FlowTableProps {
  flows: readonly FlowRow[];
  selectedId: string | undefined;
  onSelect: (flow: FlowRow) => void;
  /** Called when the end of the list scrolls into view (infinite scroll). */
  onEndReached?: (() => void) | undefined;
}

export function FlowTable({ flows, selectedId, onSelect, onEndReached }: FlowTableProps) {
  const sentinel = useRef<HTMLDivElement>(null);
  const reached = useRef(onEndReached);
  reached.current = onEndReached;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined') return undefined;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) reached.current?.();
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  return (
    <>
      <Table caption="Flows" captionHidden columns={COLUMNS}>
        {flows.map((f) => {
          const selected = f.id === selectedId;
          return (
            <tr
              key={f.id}
              className={selected ? 'flow-row flow-row--selected' : 'flow-row'}
              aria-selected={selected}
            >
              <td>
                <button
                  type="button"
                  className="flow-row__open"
                  onClick={() => onSelect(f)}
                  aria-label={`Explain the verdict of ${endpointLabel(f.sourceName, f.sourceNamespace)} to ${endpointLabel(f.destName, f.destNamespace)} at ${TIME.format(new Date(f.startTime))}`}
                >
                  <time dateTime={f.startTime}>{TIME.format(new Date(f.startTime))}</time>
                </button>
              </td>
              <td>{f.cluster.name}</td>
              <td className="mono">{endpointLabel(f.sourceName, f.sourceNamespace)}</td>
              <td className="mono">
                {endpointLabel(f.destName, f.destNamespace)}
                {f.destServiceName !== '-' && <span className="muted"> via svc {f.destServiceName}</span>}
              </td>
              <td className="mono">
                {f.destPort ?? ''}
                {f.destPort !== null && f.destPort !== undefined ? '/' : ''}
                {f.proto}
              </td>
              <td>
                <ActionBadge action={f.action} />
              </td>
              <td>
                {!f.pendingAction ? (
                  <span className="muted">–</span>
                ) : f.pendingAction !== f.action ? (
                  <ActionBadge action={f.pendingAction} />
                ) : (
                  <span className="muted">same</span>
                )}
              </td>
              <td>
                <Badge>{f.reporter === 'SRC' ? 'Source' : 'Destination'}</Badge>
              </td>
              <td className="num">{f.numFlows}</td>
            </tr>
          );
        })}
      </Table>
      <div ref={sentinel} aria-hidden="true" className="flow-sentinel" />
    </>
  );
}
