// The process supervisor of `npm start`: runs each child, prefixes its output with its name, and
// restarts it with exponential backoff when it exits on its own, saying so, so one crashed process
// no longer takes the whole stack down (decision 0080). A child may repair something before it is
// started again (`onExit`: the demo agents re-enroll when the gateway refuses their credential) or
// give up for good. `stop()` ends every child: SIGTERM, then SIGKILL after a grace period.
// It never restarts a child while stopping, and never kills a process it did not start.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RestartPolicy {
  /** Delay before the first restart after a crash. */
  readonly initialDelayMs: number;
  /** The delay doubles on each consecutive crash up to this. */
  readonly maxDelayMs: number;
  /** A child that stayed up this long is healthy again: the next crash starts from initialDelayMs. */
  readonly stableAfterMs: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  stableAfterMs: 30_000,
  stopGraceMs: 5_000,
};

export interface ChildExit {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Consecutive crashes so far, this one included (1 after a stable run). */
  readonly crashes: number;
}

/** What to do once a child exited on its own: start it again (after backoff), or leave it stopped. */
export type ExitDecision = 'restart' | 'give-up';

export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  /** Read at every start, so a repair can change them (a new enrollment token). */
  readonly args: () => readonly string[];
  /** Working directory (default: this process's). */
  readonly cwd?: string;
  /** The child's whole environment (default: this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called when the child exited on its own; a throw is reported and the child restarted anyway. */
  readonly onExit?: (exit: ChildExit) => ExitDecision | Promise<ExitDecision>;
}

export interface Supervised {
  readonly name: string;
  /** The running process's id, undefined between a crash and its restart. */
  pid(): number | undefined;
  /** How many times it was started. */
  starts(): number;
}

/** The delay before the restart following `crashes` consecutive crashes. */
export function restartDelayMs(policy: RestartPolicy, crashes: number): number {
  const exponent = Math.max(0, crashes - 1);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(exponent, 30));
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`;
}

class SupervisedChild implements Supervised {
  readonly name: string;
  #process: ChildProcess | undefined;
  #starts = 0;
  #crashes = 0;
  #startedAt = 0;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: ChildSpec,
    private readonly owner: Supervisor,
  ) {
    this.name = spec.name;
  }

  pid(): number | undefined {
    return this.#process?.pid;
  }

  starts(): number {
    return this.#starts;
  }

  start(): void {
    this.#restartTimer = undefined;
    if (this.owner.stopping) return;
    const child = spawn(this.spec.command, [...this.spec.args()], {
      env: this.spec.env ?? process.env,
      ...(this.spec.cwd === undefined ? {} : { cwd: this.spec.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#process = child;
    this.#starts += 1;
    this.#startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr])
      pipeLines(stream, (l) => this.owner.print(this.name, l));
    child.once('error', (error) => this.owner.print(this.name, `could not start: ${error.message}`));
    child.once('exit', (code, signal) => void this.#exited(child, code, signal));
  }

  async #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.#process === child) this.#process = undefined;
    this.owner.exited(this);
    if (this.owner.stopping) return;
    const policy = this.owner.policy;
    this.#crashes = Date.now() - this.#startedAt >= policy.stableAfterMs ? 1 : this.#crashes + 1;
    let decision: ExitDecision = 'restart';
    if (this.spec.onExit !== undefined) {
      try {
        decision = await this.spec.onExit({ code, signal, crashes: this.#crashes });
      } catch (error) {
        this.owner.print(
          'supervisor',
          `${this.name}: repair failed (${error instanceof Error ? error.message : String(error)}); restarting anyway`,
        );
      }
    }
    if (this.owner.stopping) return;
    if (decision === 'give-up') {
      this.owner.print('supervisor', `${this.name} ${describeExit(code, signal)}; not restarting it`);
      return;
    }
    const delay = restartDelayMs(policy, this.#crashes);
    this.owner.print(
      'supervisor',
      `${this.name} ${describeExit(code, signal)}; restarting it in ${formatMs(delay)} (crash ${String(this.#crashes)} in a row); the rest of the stack keeps running`,
    );
    this.#restartTimer = setTimeout(() => {
      this.start();
      const pid = this.pid();
      if (pid !== undefined) this.owner.print('supervisor', `${this.name} restarted (pid ${String(pid)})`);
    }, delay);
  }

  /** Cancels a pending restart and signals the running process; resolves once it has exited. */
  terminate(graceMs: number): Promise<void> {
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const child = this.#process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

export class Supervisor {
  readonly policy: RestartPolicy;
  #stopping = false;
  readonly #children: SupervisedChild[] = [];
  readonly #out: (line: string) => void;
  readonly #exitListeners = new Set<(child: Supervised) => void>();

  constructor(options: { out?: (line: string) => void; policy?: Partial<RestartPolicy> } = {}) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.#out = options.out ?? ((line) => process.stdout.write(`${line}\n`));
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Starts a child and keeps it running until `stop()`. */
  run(spec: ChildSpec): Supervised {
    if (this.#stopping) throw new Error('the supervisor is stopping');
    const child = new SupervisedChild(spec, this);
    this.#children.push(child);
    child.start();
    return child;
  }

  /** Called whenever a supervised process exits, for whatever reason. */
  onExit(listener: (child: Supervised) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** Ends every child (SIGTERM, SIGKILL after the grace period); no restart happens from now on. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#children.map((c) => c.terminate(this.policy.stopGraceMs)));
  }

  /** @internal */
  print(name: string, line: string): void {
    this.#out(`[${name}] ${line}`);
  }

  /** @internal */
  exited(child: Supervised): void {
    for (const listener of this.#exitListeners) listener(child);
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, line: (l: string) => void): void {
  if (stream === null) return;
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines) line(l);
  });
  stream.on('end', () => {
    if (buffer !== '') line(buffer);
    buffer = '';
  });
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${String(ms)} ms` : `${String(Math.round(ms / 100) / 10)} s`;
}
