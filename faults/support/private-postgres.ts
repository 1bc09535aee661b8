// TEST TOOLING. A PostgreSQL 15 server of the test's own, in a temporary directory on a free port,
// so a fault test can stop and start it without touching the shared server every engineer uses.
// initdb refuses to run as root: as root, the server runs as the `postgres` system user.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@palisade/testing';

const BIN = process.env['PALISADE_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

export class PrivatePostgres {
  private running = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly runAs: string | null,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>` (trust authentication, loopback only). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${String(this.port)}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-pg-'));
    const runAs = userInfo().uid === 0 ? 'postgres' : null;
    if (runAs !== null) {
      const uid = Number(execFileSync('id', ['-u', runAs]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', runAs]).toString().trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(await freePort(), dir, runAs);
    pg.exec('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    pg.startServer();
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private exec(tool: string, args: string[]): void {
    const command = join(BIN, tool);
    const [file, argv] =
      this.runAs === null ? [command, args] : ['runuser', ['-u', this.runAs, '--', command, ...args]];
    execFileSync(file, argv, { stdio: 'pipe' });
  }

  private startServer(): void {
    const options = `-p ${String(this.port)} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    this.exec('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'log'), '-o', options, '-w', 'start']);
    this.running = true;
  }

  /** Stops the server at once (`immediate`: no checkpoint, clients cut off, as in a crash). */
  stop(): void {
    this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    this.running = false;
  }

  start(): void {
    this.startServer();
  }

  close(): void {
    if (this.running) this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
