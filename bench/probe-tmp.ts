import { PolicyEngine, PolicyIndex, buildWorld } from '@palisade/policy';
import { generateBenchWorld } from '/work/wt/compliance/bench/policy/generate.js';
const N = Number(process.argv[2] ?? 2000);
const { world } = generateBenchWorld({ namespaces: Math.round(N / 100), endpoints: N, policies: N / 10, connections: 0 });
const w = buildWorld(world);
const engine = new PolicyEngine(w);
const idx = new PolicyIndex(engine);
const t0 = performance.now();
const plans = new Set();
for (const e of w.endpoints) { plans.add(engine.planFor(e, 'ingress')); }
console.log('ingress plans', plans.size, 'egress plans', new Set(w.endpoints.map((e) => engine.planFor(e, 'egress'))).size);
let t = performance.now();
for (const e of w.endpoints) idx.decidedByPolicy(e.key, 'ingress'), idx.decidedByPolicy(e.key, 'egress');
console.log('decided', (performance.now() - t).toFixed(0), 'ms');
t = performance.now();
let n = 0;
for (const e of w.endpoints) { const x = idx.exposure(e.key); if (x.ingressFromOtherNamespaces) n++; }
console.log('exposure', (performance.now() - t).toFixed(0), 'ms; exposed', n);
const cls = (idx as any).exposureClasses as Map<unknown, Map<number, unknown[]>>;
let tot = 0; for (const m of cls.values()) for (const l of m.values()) tot += l.length;
console.log('exposure class lists', cls.size, 'avg classes', (tot / cls.size).toFixed(1));
