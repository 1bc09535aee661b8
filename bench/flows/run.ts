// `npm run bench -- flows [--flows N] [--runs N] [--agents N] [--minutes N] [--only ingest|queries]`
// Issue 13 item 7, the flow pipeline's figures, each printed with the machine:
//   ingest   simulated agents → real gateway → Postgres, as a ratio of a raw COPY of the same rows
//            (goal ≥ 50 %), and the agent buffer's heap per flow (ingest.ts);
//   queries  `flows` with selective filters on N stored flows (goal p99 < 200 ms), the policy filter
//            under RLS in both forms, filter hints, and the service graph and policy statistics
//            over 24 h of the 2,000-pod cluster (goal < 1 s) (queries.ts).
// Defaults fit a small shared machine in a few minutes; the figure is `--flows 10000000`
// (and `--minutes 10 --agents 3` for a longer ingestion), on a quiet machine.
import { parseArgs } from 'node:util';
import { machineLine } from '../lib/machine.js';
import { benchIngest } from './ingest.js';
import { benchQueries } from './queries.js';

const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '300000' },
    runs: { type: 'string', default: '50' },
    agents: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
});
const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${v}`);
  return n;
};

console.log(machineLine());
if (values.only === undefined || values.only === 'ingest') {
  console.log('ingestion:');
  await benchIngest({
    agents: positive('agents', values.agents),
    minutes: positive('minutes', values.minutes),
  });
}
if (values.only === undefined || values.only === 'queries') {
  console.log('queries:');
  await benchQueries({ flows: positive('flows', values.flows), runs: positive('runs', values.runs) });
}
