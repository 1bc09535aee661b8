// The `palisade-policy` command line: global options (--help/-h, --version), the choice of
// command, and the conventions every command shares: help on stdout with exit 0, a usage error on
// stderr (what is wrong, then the usage) with exit 2.

import { UsageError } from './args.js';
import { EVALUATE_USAGE, evaluateCommand } from './evaluate-command.js';
import { EXIT_BAD_INPUT, EXIT_OK, type CommandIo } from './io.js';
import { PREVIEW_USAGE, previewCommand } from './preview-command.js';
import { SELECTORS_USAGE, selectorsCommand } from './selectors-command.js';
import { VALIDATE_USAGE, validateCommand } from './validate-command.js';

export const USAGE = `usage: palisade-policy <command> [options]

commands:
  evaluate <scenario.yaml> [--json]   evaluate a scenario's flows and check its expectations
  preview --policies DIR --flows FILE --edit FILE [--json]
                                      what an edit would change for past flows (exit 1: newly denies)
  selectors <vectors.json> --json     compute selector match, parse and canonical-form vectors
  validate <file.yaml>...             validate Calico and Kubernetes policy resources

options:
  -h, --help   show this help; \`palisade-policy <command> --help\` shows a command's
  --version    print the version

exit codes: 0 success, 1 an expectation or validation failed, 2 bad usage or unreadable input
`;

interface Command {
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): number;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  evaluate: { usage: EVALUATE_USAGE, run: evaluateCommand },
  preview: { usage: PREVIEW_USAGE, run: previewCommand },
  selectors: { usage: SELECTORS_USAGE, run: selectorsCommand },
  validate: { usage: VALIDATE_USAGE, run: validateCommand },
};

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';

/** Runs one command line (the arguments after the program name); returns the exit code. */
export function runCommandLine(argv: readonly string[], io: CommandIo, version: string): number {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(`palisade-policy: a command is required\n\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  if (isHelp(name) || name === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (name === '--version') {
    io.stdout(`${version}\n`);
    return EXIT_OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const what = name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`;
    io.stderr(`palisade-policy: ${what}\n\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  if (args.some(isHelp)) {
    io.stdout(command.usage);
    return EXIT_OK;
  }
  try {
    return command.run(args, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`palisade-policy ${name}: ${err.message}\n\n${command.usage}`);
    return EXIT_BAD_INPUT;
  }
}
