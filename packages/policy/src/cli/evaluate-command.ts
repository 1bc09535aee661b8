// `palisade-policy evaluate <scenario.yaml> [--json]` (evaluation-scenarios.md): prints the result
// and exits 0 when every expectation holds, 1 when one does not (issue 21: a failing expectation
// fails a CI step), 2 when the file is not a valid scenario (the message names the bad field).

import type { DirectionVerdict } from '../engine/connection.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { runScenario, type FlowResult, type ScenarioResult } from '../scenario/run-scenario.js';
import { ScenarioError } from '../scenario/scenario.js';
import { UsageError, parseCommandArgs } from './args.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type CommandIo } from './io.js';
import { renderTable } from './table.js';

function jsonDocument(result: ScenarioResult): unknown {
  return {
    flows: result.flows.map((f) => ({
      id: f.id,
      action: f.action,
      egress: f.egress,
      ingress: f.ingress,
      ...(f.pending ? { pending: f.pending } : {}),
    })),
    expectations: result.expectations,
  };
}

function side(v: DirectionVerdict | null | undefined): string {
  if (!v) return '-';
  return `${v.action}  ${v.trace.join(' > ')}`;
}

function readable(result: ScenarioResult): string {
  const staged = result.flows.some((f) => f.pending);
  const header = ['flow', 'action', 'egress', 'ingress', ...(staged ? ['pending'] : [])];
  const rows = result.flows.map((f: FlowResult) => [
    f.id,
    f.action,
    side(f.egress),
    side(f.ingress),
    ...(staged ? [f.pending?.action ?? '-'] : []),
  ]);
  const { checked, failed, failures } = result.expectations;
  const lines = failures.map(
    (x) =>
      `  FAIL ${x.flow} ${x.field}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`,
  );
  return [
    `scenario: ${result.name}\n`,
    renderTable(header, rows),
    `expectations: ${checked} checked, ${failed} failed\n`,
    ...lines.map((l) => `${l}\n`),
  ].join('');
}

export const EVALUATE_USAGE = `usage: palisade-policy evaluate <scenario.yaml> [--json]
  Evaluates every flow of the scenario against its policies and checks the flows' expectations.
  --json  print one JSON document (flows, expectations) instead of a table
  exit codes: 0 every expectation holds, 1 one does not, 2 bad usage or not a valid scenario
`;

export function evaluateCommand(args: readonly string[], io: CommandIo): number {
  const { flags, positionals } = parseCommandArgs(args, ['--json']);
  if (positionals.length !== 1) throw new UsageError('expects exactly one scenario file');
  const json = flags.has('--json');
  const file = positionals[0]!;
  let result: ScenarioResult;
  try {
    result = runScenario(loadScenario(io.readFile(file)));
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.stderr(`${file}: invalid scenario: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof Error && 'code' in err) {
      io.stderr(`${file}: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
  io.stdout(json ? `${JSON.stringify(jsonDocument(result), null, 2)}\n` : readable(result));
  return result.expectations.failed > 0 ? EXIT_FAILED : EXIT_OK;
}
