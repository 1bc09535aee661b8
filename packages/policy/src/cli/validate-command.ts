// `palisade-policy validate <file.yaml>...`: validates every resource of every file the way the API
// would, prints `file:line:column: path: message` for each error, and exits 1 when there is any
// (2 when a file cannot be read).

import { parseResourcesYaml } from '../yaml/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type CommandIo } from './io.js';

export function validateCommand(args: readonly string[], io: CommandIo): number {
  if (args.length === 0) {
    io.stderr('usage: palisade-policy validate <file.yaml>...\n');
    return EXIT_BAD_INPUT;
  }
  let errors = 0;
  let resources = 0;
  for (const file of args) {
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
