// The arguments of one command: the flags it knows and its positional arguments. An argument that
// starts with "-" and is not one of the command's flags is a usage error that names it, never a
// file name; "--" ends the flags (a file may then start with "-").

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandArgs {
  readonly flags: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(args: readonly string[], knownFlags: readonly string[]): CommandArgs {
  const flags = new Set<string>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (const arg of args) {
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) positionals.push(arg);
    else if (arg === '--') onlyPositionals = true;
    else if (knownFlags.includes(arg)) flags.add(arg);
    else throw new UsageError(`unknown option "${arg}"`);
  }
  return { flags, positionals };
}
