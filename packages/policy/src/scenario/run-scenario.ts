// Evaluates every flow of a scenario and checks its expectations. One check per expected leaf
// (an action or a trace); traces are compared without their leading index field.

import { ConnectionError, type ConnectionVerdict, type DirectionVerdict } from '../engine/connection.js';
import { PolicyEngine } from '../engine/engine.js';
import { buildWorld, WorldError } from '../engine/world.js';
import { SelectorSyntaxError } from '../selector/index.js';
import { ScenarioError, type DirectionExpectation, type Scenario, type ScenarioFlow } from './scenario.js';

export interface ExpectationFailure {
  flow: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface FlowResult extends ConnectionVerdict {
  id: string;
}

export interface ScenarioResult {
  name: string;
  flows: FlowResult[];
  expectations: { checked: number; failed: number; failures: ExpectationFailure[] };
}

function stripIndex(hit: string): string {
  return hit.slice(hit.indexOf('|') + 1);
}

class Checker {
  checked = 0;
  readonly failures: ExpectationFailure[] = [];

  constructor(private readonly flow: string) {}

  check(field: string, expected: unknown, actual: unknown): void {
    this.checked++;
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      this.failures.push({ flow: this.flow, field, expected, actual });
  }

  direction(
    field: string,
    expected: DirectionExpectation | undefined,
    actual: DirectionVerdict | null | undefined,
  ): void {
    if (!expected) return;
    if (expected.action !== undefined) this.check(`${field}.action`, expected.action, actual?.action ?? null);
    if (expected.trace !== undefined) {
      this.check(
        `${field}.trace`,
        expected.trace.map(stripIndex),
        actual ? actual.trace.map(stripIndex) : null,
      );
    }
  }
}

function buildEngine(scenario: Scenario): PolicyEngine {
  try {
    return new PolicyEngine(buildWorld(scenario.world));
  } catch (err) {
    if (err instanceof WorldError) throw new ScenarioError(err.path, err.message.slice(err.path.length + 2));
    if (err instanceof SelectorSyntaxError)
      throw new ScenarioError('resources', `invalid selector: ${err.message}`);
    throw err;
  }
}

function evaluateFlow(engine: PolicyEngine, flow: ScenarioFlow, index: number): ConnectionVerdict {
  try {
    return engine.evaluate(flow.connection);
  } catch (err) {
    if (err instanceof ConnectionError)
      throw new ScenarioError(`flows[${index}].${err.path}`, err.message.slice(err.path.length + 2));
    throw err;
  }
}

/** Throws ScenarioError when the world or a flow cannot be evaluated (unknown endpoint, bad IP…). */
export function runScenario(scenario: Scenario): ScenarioResult {
  const engine = buildEngine(scenario);
  const flows: FlowResult[] = [];
  let checked = 0;
  const failures: ExpectationFailure[] = [];
  for (const [index, flow] of scenario.flows.entries()) {
    const verdict = evaluateFlow(engine, flow, index);
    flows.push({ id: flow.id, ...verdict });
    const expect = flow.expect;
    if (!expect) continue;
    const c = new Checker(flow.id);
    if (expect.action !== undefined) c.check('action', expect.action, verdict.action);
    c.direction('egress', expect.egress, verdict.egress);
    c.direction('ingress', expect.ingress, verdict.ingress);
    if (expect.pending) {
      if (expect.pending.action !== undefined)
        c.check('pending.action', expect.pending.action, verdict.pending?.action ?? null);
      c.direction('pending.egress', expect.pending.egress, verdict.pending?.egress);
      c.direction('pending.ingress', expect.pending.ingress, verdict.pending?.ingress);
    }
    checked += c.checked;
    failures.push(...c.failures);
  }
  return { name: scenario.name, flows, expectations: { checked, failed: failures.length, failures } };
}
