// The scenario document (evaluation-scenarios.md): a small world, policy resources and flows with
// optional expectations. These are the shapes after parsing; `parseScenario` builds them.

import type { Connection, Verdict } from '../engine/connection.js';
import type { WorldInput } from '../engine/world-input.js';

export interface DirectionExpectation {
  action?: Verdict;
  /** Compared without the leading index field. */
  trace?: string[];
}

export interface FlowExpectation {
  action?: Verdict;
  egress?: DirectionExpectation;
  ingress?: DirectionExpectation;
  pending?: { action?: Verdict; egress?: DirectionExpectation; ingress?: DirectionExpectation };
}

export interface ScenarioFlow {
  id: string;
  connection: Connection;
  expect: FlowExpectation | undefined;
}

export interface Scenario {
  name: string;
  world: WorldInput;
  flows: ScenarioFlow[];
}

export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path === '' ? message : `${path}: ${message}`);
    this.name = 'ScenarioError';
  }
}
