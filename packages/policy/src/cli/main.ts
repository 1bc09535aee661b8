/// <reference types="node" />
// Entry point of the `palisade-policy` command: dispatches to a command with Node's file system
// and streams, and exits with the command's code. The only module of the package that uses node:*.

import { readdirSync, readFileSync } from 'node:fs';
import { evaluateCommand } from './evaluate-command.js';
import { EXIT_BAD_INPUT, type CommandIo } from './io.js';
import { previewCommand } from './preview-command.js';
import { selectorsCommand } from './selectors-command.js';
import { validateCommand } from './validate-command.js';

const USAGE = `usage:
  palisade-policy evaluate <scenario.yaml> [--json]
  palisade-policy preview --policies DIR --flows FILE --edit FILE [--delete KIND/[NS/]NAME]... [--inventory FILE] [--json]
  palisade-policy selectors <vectors.json> --json
  palisade-policy validate <file.yaml>...
`;

const io: CommandIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  listFiles: (path) => readdirSync(path),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: CommandIo) => number>> = {
  evaluate: evaluateCommand,
  preview: previewCommand,
  selectors: selectorsCommand,
  validate: validateCommand,
};

const [name, ...args] = process.argv.slice(2);
const command = name === undefined ? undefined : COMMANDS[name];
if (!command) {
  process.stderr.write(USAGE);
  process.exitCode = EXIT_BAD_INPUT;
} else {
  process.exitCode = command(args, io);
}
