// The public schema documents itself: graphql-schema-linter, with the configuration committed in
// services/api/.graphql-schema-linterrc (every built-in rule; exceptions only where a decision record
// says why), passes on the committed schema.graphql. The second test lints a copy with one new
// undescribed member of each sort, so the first cannot pass by linting nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
const SCHEMA_FILE = join(API_DIR, 'schema.graphql');
const require = createRequire(import.meta.url);
const LINTER_BIN = join(
  dirname(require.resolve('graphql-schema-linter/package.json')),
  (require('graphql-schema-linter/package.json') as { bin: Record<string, string> }).bin[
    'graphql-schema-linter'
  ] ?? 'lib/cli.js',
);

interface LintReport {
  errors: { message: string; rule: string; location: { line: number; file: string } }[];
}

/** Runs the linter's command line, on this Node, with the API's configuration. */
function lint(schemaFile: string): { status: number | null; report: LintReport; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [LINTER_BIN, '--format', 'json', '--config-directory', API_DIR, schemaFile],
    { encoding: 'utf8' },
  );
  let report: LintReport;
  try {
    report = JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(
      `graphql-schema-linter printed no JSON (exit ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
  return { status: run.status, report, stderr: run.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'palisade-schema-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function insertAfter(sdl: string, anchor: string, text: string): string {
  const at = sdl.indexOf(anchor);
  if (at < 0) throw new Error(`"${anchor}" is not in schema.graphql`);
  return sdl.slice(0, at + anchor.length) + text + sdl.slice(at + anchor.length);
}

describe('graphql-schema-linter on the committed schema', () => {
  it('reports nothing', () => {
    const { status, report, stderr } = lint(SCHEMA_FILE);
    expect(report.errors.map((e) => `${e.rule}: ${e.message}`)).toEqual([]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('fails on an undescribed type, field, argument, input field or enum value, and on a PascalCase value', () => {
    let sdl = readFileSync(SCHEMA_FILE, 'utf8');
    sdl = insertAfter(sdl, 'type Query {\n', '  zzUndescribed(arg: Int): ZzUndescribed!\n');
    sdl = insertAfter(sdl, 'input AcceptInvitationInput {\n', '  zzExtra: String\n');
    sdl = insertAfter(sdl, 'enum ActorType {\n', '  Robot\n');
    sdl += '\ntype ZzUndescribed {\n  """Described."""\n  value: Int\n}\n';
    const copy = join(scratch, 'schema.graphql');
    writeFileSync(copy, sdl);

    const { status, report } = lint(copy);
    const found = report.errors.map((e) => `${e.rule}: ${e.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'fields-have-descriptions: The field `Query.zzUndescribed` is missing a description.',
        'arguments-have-descriptions: The `arg` argument of `zzUndescribed` is missing a description.',
        'types-have-descriptions: The object type `ZzUndescribed` is missing a description.',
        'input-object-values-have-descriptions: The input value `AcceptInvitationInput.zzExtra` is missing a description.',
        'enum-values-have-descriptions: The enum value `ActorType.Robot` is missing a description.',
      ]),
    );
    // The PolicyResourceKind exception covers that enum only.
    expect(found.filter((f) => f.startsWith('enum-values-all-caps:'))).toEqual([
      expect.stringContaining('ActorType.Robot'),
    ]);
    expect(status).not.toBe(0);
  });
});
