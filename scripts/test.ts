// Runs every test of every workspace in one Vitest run and ends with the summary line CI reads:
// `N passed, N failed, N skipped`. Exit code is Vitest's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { generatePrismaClient } from './prisma-generate.js';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

generatePrismaClient();
mkdirSync('test-artifacts', { recursive: true });
const report = 'test-artifacts/vitest.json';
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let summary: string;
try {
  const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  // Vitest can fail outside any test (an unhandled error, a broken config): count that as a failure
  // so the summary never reads as green while the exit code is not.
  const failed = json.numFailedTests + (run.status !== 0 && json.numFailedTests === 0 ? 1 : 0);
  summary = `${json.numPassedTests} passed, ${failed} failed, ${json.numPendingTests + json.numTodoTests} skipped`;
} catch (err) {
  summary = `0 passed, 1 failed (${String(err)})`;
}
console.log(`\n${summary}`);
process.exit(run.status ?? 1);
