// The simulated cluster's policy objects — what `kubectl get networkpolicies,…` would show — kept in
// `<state dir>/policies.json` so they survive restarts and can be edited from outside (by hand, or
// with `npm run agent -- edit`), which is how drift is shown without a real cluster. Beside it,
// `applied.json` is the agent's memory of what Palisade last applied (generation, desired set,
// results). Without a state directory both live in memory only. Writes replace the file atomically
// (write then rename), so a reader never sees half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resourceKey, type PolicyResource } from '@palisade/policy';
import { wireRefKey } from '@palisade/policy/managed';
import type { ResourceRef } from '@palisade/protocol';
import { SIMULATED_MAX_FILE_BYTES } from '../../limits.js';
import type { AppliedState, PolicyCluster } from '../../policy/managed-policies.js';

export const POLICIES_FILE = 'policies.json';
export const APPLIED_FILE = 'applied.json';

export class SimulatedPolicyStore implements PolicyCluster {
  readonly #dir: string | null;
  #objects = new Map<string, PolicyResource>();
  #text = '';
  #problem: string | null = null;
  #version = 0;
  /** Inside batch(): writes change the objects in memory and one save follows at the end. */
  #batching = false;
  #dirty = false;

  private constructor(dir: string | null) {
    this.#dir = dir;
  }

  static async open(dir: string | null): Promise<SimulatedPolicyStore> {
    const store = new SimulatedPolicyStore(dir);
    if (dir !== null) {
      await mkdir(dir, { recursive: true });
      await store.reload();
    }
    return store;
  }

  /** The policies file, or null when the store is in memory only. */
  get file(): string | null {
    return this.#dir === null ? null : join(this.#dir, POLICIES_FILE);
  }

  /** Grows with every change, from this process or from outside; caches key on it. */
  get version(): number {
    return this.#version;
  }

  /** Why the file's last edit was not taken; null when it was. */
  problem(): string | null {
    return this.#problem;
  }

  /** Every object, sorted by identity (copies: the store's own are never shared). */
  current(): PolicyResource[] {
    return structuredClone([...this.#objects.values()]);
  }

  async objects(): Promise<Map<string, PolicyResource>> {
    await this.reload();
    return structuredClone(this.#objects);
  }

  async write(resource: PolicyResource): Promise<void> {
    if (!this.#batching) await this.reload();
    this.#objects.set(resourceKey(resource), structuredClone(resource));
    await this.#changed();
  }

  async remove(ref: ResourceRef): Promise<void> {
    if (!this.#batching) await this.reload();
    if (this.#objects.delete(wireRefKey(ref))) await this.#changed();
  }

  /**
   * One save for all the writes of `fn` (applying thousands of objects one save each would rewrite
   * the whole file thousands of times). The file is read once at the start; an edit made to it
   * while the batch runs is overwritten, as a concurrent kubectl edit could be by an apply.
   */
  async batch<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#batching) return fn();
    await this.reload();
    this.#batching = true;
    try {
      return await fn();
    } finally {
      this.#batching = false;
      if (this.#dirty) {
        this.#dirty = false;
        await this.#save();
      }
    }
  }

  async #changed(): Promise<void> {
    if (this.#batching) this.#dirty = true;
    else await this.#save();
  }

  /** Re-reads the file; true when its content changed. A file that is not a list of objects is refused. */
  async reload(): Promise<boolean> {
    const file = this.file;
    if (file === null) return false;
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '[]';
      throw error;
    });
    if (text === this.#text) return false;
    if (text.length > SIMULATED_MAX_FILE_BYTES) {
      this.#problem = `${file} is larger than ${String(SIMULATED_MAX_FILE_BYTES)} bytes; ignored`;
      return false;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#problem = `${file}: not JSON (${error instanceof Error ? error.message : String(error)}); ignored`;
      return false;
    }
    if (!Array.isArray(parsed) || !parsed.every(isObjectLike)) {
      this.#problem = `${file}: must be a JSON array of objects with apiVersion, kind and metadata.name; ignored`;
      return false;
    }
    this.#text = text;
    this.#problem = null;
    this.#objects = new Map(sorted(parsed).map((r) => [resourceKey(r), r]));
    this.#version++;
    return true;
  }

  async loadApplied(): Promise<AppliedState | null> {
    if (this.#dir === null) return null;
    try {
      const parsed = JSON.parse(await readFile(join(this.#dir, APPLIED_FILE), 'utf8')) as AppliedState;
      return typeof parsed.outcome?.generation === 'number' && Array.isArray(parsed.desired) ? parsed : null;
    } catch {
      return null;
    }
  }

  async saveApplied(state: AppliedState): Promise<void> {
    if (this.#dir === null) return;
    await replaceFile(join(this.#dir, APPLIED_FILE), `${JSON.stringify(state)}\n`);
  }

  async #save(): Promise<void> {
    this.#version++;
    const file = this.file;
    if (file === null) return;
    const text = `${JSON.stringify(sorted([...this.#objects.values()]), null, 2)}\n`;
    this.#text = text;
    await replaceFile(file, text);
  }
}

/** Reads and writes the policies file of a state directory (for `npm run agent -- edit`). */
export async function readPoliciesFile(dir: string): Promise<PolicyResource[]> {
  const store = await SimulatedPolicyStore.open(dir);
  const problem = store.problem();
  if (problem !== null) throw new Error(problem);
  return store.current();
}

export async function writePoliciesFile(dir: string, objects: readonly PolicyResource[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await replaceFile(join(dir, POLICIES_FILE), `${JSON.stringify(sorted([...objects]), null, 2)}\n`);
}

let temporaries = 0;

async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${String(process.pid)}.${String(++temporaries)}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

function sorted(objects: PolicyResource[]): PolicyResource[] {
  return objects.sort((a, b) => {
    const x = resourceKey(a);
    const y = resourceKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function isObjectLike(value: unknown): value is PolicyResource {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return (
    typeof r.apiVersion === 'string' && typeof r.kind === 'string' && typeof r.metadata?.name === 'string'
  );
}
