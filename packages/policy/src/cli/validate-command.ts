// `palisade-policy validate <file.yaml>...`: prints `file:line:column: path: message` for every
// validation error and exits 1 when there is any.

import { EXIT_BAD_INPUT, type CommandIo } from './io.js';

export function validateCommand(_args: readonly string[], io: CommandIo): number {
  io.stderr('validate: waiting for the YAML resource reader\n');
  return EXIT_BAD_INPUT;
}
