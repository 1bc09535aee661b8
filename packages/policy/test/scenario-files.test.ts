/// <reference types="node" />
// Runs every shared scenario (/work/shared/spec/scenarios) and every scenario of our own
// (test/scenarios): one test per flow expectation, plus a cross-check against the reference
// evaluator for every flow of the file.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReferenceEvaluator } from '../src/engine/reference.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runScenario } from '../src/scenario/run-scenario.js';

const DIRECTORIES = [
  new URL('../../../../shared/spec/scenarios/', import.meta.url),
  new URL('./scenarios/', import.meta.url),
];

for (const dir of DIRECTORIES) {
  const files = readdirSync(fileURLToPath(dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  describe(fileURLToPath(dir), () => {
    it('holds scenarios', () => expect(files.length).toBeGreaterThan(0));
    for (const file of files) {
      describe(file, () => {
        const scenario = loadScenario(readFileSync(new URL(file, dir), 'utf8'));
        const result = runScenario(scenario);
        for (const flow of scenario.flows.filter((f) => f.expect)) {
          it(flow.id, () => {
            expect(result.expectations.failures.filter((f) => f.flow === flow.id)).toEqual([]);
          });
        }
        it('agrees with the reference evaluator', () => {
          const reference = new ReferenceEvaluator(scenario.world);
          const expected = scenario.flows.map((f) => ({ id: f.id, ...reference.evaluate(f.connection) }));
          expect(result.flows).toEqual(expected);
        });
      });
    }
  });
}
