// The credential as a file under the agent's state directory (simulated mode and agents run outside
// a cluster). Readable by the agent's user only (0600, directory 0700). Written atomically: a
// temporary file in the same directory, flushed to disk, then renamed over the old one, then the
// directory flushed, so a crash leaves either the old credential or the new one, never half of one.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStoredCredential, type CredentialStore, type StoredCredential } from './credential-store.js';

export const CREDENTIAL_FILE_NAME = 'credential.json';

export class FileCredentialStore implements CredentialStore {
  readonly description: string;
  readonly #dir: string;
  readonly #path: string;

  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.#path = join(stateDir, CREDENTIAL_FILE_NAME);
    this.description = `file ${this.#path}`;
  }

  get path(): string {
    return this.#path;
  }

  async load(): Promise<StoredCredential | null> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${this.#path} is not valid JSON`);
    }
    return parseStoredCredential(value, this.#path);
  }

  async save(credential: StoredCredential): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const temporary = join(this.#dir, `.${CREDENTIAL_FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(credential, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await chmod(temporary, 0o600); // the umask may have narrowed it further, never widened; make it exact
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncDirectory(this.#dir);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}
