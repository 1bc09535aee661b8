// `palisade-policy evaluate <scenario.yaml> [--json]` (evaluation-scenarios.md): exit 0 when the
// file was evaluated, 2 when it is not a valid scenario (the message names the bad field).

import type { DirectionVerdict } from '../engine/connection.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { runScenario, type FlowResult, type ScenarioResult } from '../scenario/run-scenario.js';
import { ScenarioError } from '../scenario/scenario.js';
import { EXIT_BAD_INPUT, EXIT_OK, type CommandIo } from './io.js';
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

export function evaluateCommand(args: readonly string[], io: CommandIo): number {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1) {
    io.stderr('usage: palisade-policy evaluate <scenario.yaml> [--json]\n');
    return EXIT_BAD_INPUT;
  }
  const file = files[0]!;
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
  return EXIT_OK;
}
