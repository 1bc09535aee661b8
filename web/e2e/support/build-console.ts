// Vitest global setup of the browser tests: build the console once per run, only when stale.
import { buildConsoleIfStale } from '../../scripts/build-console.js';

export default function setup(): void {
  buildConsoleIfStale({ log: (line) => console.log(line) });
}
