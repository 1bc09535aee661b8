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
  testResults: { status: string; assertionResults: { status: string }[] }[];
}

/**
 * Tests that never ran because their file failed around them (a beforeAll that threw): Vitest
 * reports them as skipped; they are failures. A failed file without any test counts as one.
 */
function unrunInFailedFiles(json: VitestJson): number {
  let n = 0;
  for (const file of json.testResults) {
    if (file.status !== 'failed' || file.assertionResults.some((a) => a.status === 'failed')) continue;
    n += Math.max(1, file.assertionResults.filter((a) => a.status !== 'passed').length);
  }
  return n;
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
  const unrun = unrunInFailedFiles(json);
  const counted = json.numFailedTests + unrun;
  const failed = counted + (run.status !== 0 && counted === 0 ? 1 : 0);
  const skipped = Math.max(0, json.numPendingTests + json.numTodoTests - unrun);
  summary = `${json.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
} catch (err) {
  summary = `0 passed, 1 failed (${String(err)})`;
}
console.log(`\n${summary}`);
process.exit(run.status ?? 1);
