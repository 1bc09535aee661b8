/// <reference types="node" />
// The fast engine and the reference evaluator must agree — verdicts and traces, enforced and
// pending — on random worlds, policies and connections.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../src/engine/engine.js';
import { ReferenceEvaluator } from '../src/engine/reference.js';
import { buildWorld } from '../src/engine/world.js';
import { connectionArb, worldArb } from './support/random-world.js';

describe('fast engine vs reference evaluator', () => {
  it('gives identical verdicts and traces', () => {
    fc.assert(
      fc.property(
        worldArb.chain((world) =>
          fc.tuple(fc.constant(world), fc.array(connectionArb(world), { minLength: 1, maxLength: 8 })),
        ),
        ([world, connections]) => {
          const fast = new PolicyEngine(buildWorld(world));
          const reference = new ReferenceEvaluator(world);
          for (const c of connections) expect(fast.evaluate(c)).toEqual(reference.evaluate(c));
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  }, 120_000);
});
