// What a command needs from the outside world, so that commands stay testable and the Node
// specifics (process, fs) live only in main.ts.

export interface CommandIo {
  readFile(path: string): string;
  /** Names of the entries of a directory. */
  listFiles(path: string): string[];
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
