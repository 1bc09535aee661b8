// TEST TOOLING. A Redis server of the test's own, as a child process on a free port, so a fault
// test can kill and start it without touching the shared server. It persists every write to an
// append-only file (`appendfsync always`), as a Redis holding BullMQ queues must in production
// (decision 0082): a crash then loses no acknowledged job.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, waitFor } from '@palisade/testing';

export class PrivateRedis {
  private child: ChildProcess | undefined;

  private readonly dir = mkdtempSync(join(tmpdir(), 'palisade-redis-'));

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${String(this.port)}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(() => this.ping(), `redis on port ${String(this.port)}`);
  }

  /** Kills the server (SIGKILL), as a crash would; what it acknowledged is in its append-only file. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Kills the server and deletes its data, as a failover to an empty replica would. */
  async wipe(): Promise<void> {
    await this.stop();
    rmSync(join(this.dir, 'appendonlydir'), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' });
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('connect', () => socket.write('PING\r\n'));
    });
  }
}
