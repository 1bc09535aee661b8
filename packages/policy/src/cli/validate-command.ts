// `palisade-policy validate <file.yaml>...`: validates every resource of every file the way the API
// would, prints `file:line:column: path: message` for each error, and exits 1 when there is any
// (2 when a file cannot be read).

import { parseResourcesYaml } from '../yaml/index.js';
import { UsageError, parseCommandArgs } from './args.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type CommandIo } from './io.js';

export const VALIDATE_USAGE = `usage: palisade-policy validate <file.yaml>...
  Validates every resource of every file as the API does; prints file:line:column: path: message
  for each error.
  exit codes: 0 every resource is valid, 1 there are errors, 2 bad usage or a file cannot be read
`;

export function validateCommand(args: readonly string[], io: CommandIo): number {
  const { positionals: files } = parseCommandArgs(args, []);
  if (files.length === 0) throw new UsageError('expects at least one file');
  let errors = 0;
  let resources = 0;
  for (const file of files) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (err) {
      io.stderr(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT_BAD_INPUT;
    }
    const parsed = parseResourcesYaml(text);
    resources += parsed.documents.filter((d) => d.resource).length;
    for (const e of parsed.errors) {
      io.stdout(
        `${file}:${e.line ?? 1}:${e.column ?? 1}: ${e.path === '' ? '(document)' : e.path}: ${e.message}\n`,
      );
      errors++;
    }
  }
  if (errors > 0) {
    io.stderr(`${errors} error${errors === 1 ? '' : 's'}\n`);
    return EXIT_FAILED;
  }
  io.stderr(`${resources} resource${resources === 1 ? '' : 's'} valid\n`);
  return EXIT_OK;
}
