// Fixture page for bench/web: renders the policy board with ?n= generated policies and reports
// when the board is on screen (window.__boardRendered = ms since the page's navigation start).
import { useLayoutEffect, useMemo, useState } from 'react';
import { buildBoard, movePolicy, type BoardTier } from '../features/policies/model';
import { benchPolicies, benchTiers } from '../features/policies/bench-fixture';
import { PolicyBoard } from '../features/policies/components/policy-board';
import '../features/policies/policies.css';

declare global {
  interface Window {
    __boardRendered?: number;
    __boardRenderStart?: number;
  }
}

export function BenchBoardPage() {
  const count = Number(new URLSearchParams(window.location.search).get('n') ?? '1000');
  const initial = useMemo(() => {
    window.__boardRenderStart = performance.now();
    return buildBoard(benchTiers(), benchPolicies(count));
  }, [count]);
  const [tiers, setTiers] = useState<BoardTier[]>(initial);
  useLayoutEffect(() => {
    window.__boardRendered = performance.now();
  }, []);
  return (
    <main className="content">
      <h1>Board fixture: {count} policies</h1>
      <PolicyBoard
        tiers={tiers}
        canReorder
        onOpen={() => undefined}
        onReorder={(tier, from, to) =>
          setTiers((all) =>
            all.map((t) => (t.name === tier ? { ...t, policies: movePolicy(t.policies, from, to) } : t)),
          )
        }
      />
    </main>
  );
}
