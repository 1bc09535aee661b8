// Fixture page of the bench build (web/src/bench/bench-main.tsx, bench/web): renders the policy
// board with ?n= generated policies and records, in ms since navigation start, when building the
// board began (__boardRenderStart), when React committed it (__boardRendered) and when the browser
// had painted it (__boardPainted).
import { useLayoutEffect, useMemo, useState } from 'react';
import { buildBoard, movePolicy, type BoardTier } from '../features/policies/model';
import { benchPolicies, benchTiers } from '../features/policies/bench-fixture';
import { PolicyBoard } from '../features/policies/components/policy-board';
import '../features/policies/policies.css';

declare global {
  interface Window {
    __boardRendered?: number;
    __boardRenderStart?: number;
    __boardPainted?: number;
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
    // The first animation frame after the commit runs before that frame's paint; the task queued
    // from it runs after the paint.
    requestAnimationFrame(() => setTimeout(() => (window.__boardPainted = performance.now()), 0));
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
