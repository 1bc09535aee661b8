import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseAuth, tokenSha256 } from './choose-auth.js';
import { CREDENTIAL_FILE_NAME, FileCredentialStore } from './file-store.js';

describe('file credential store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-cred-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds nothing until saved, then round-trips', async () => {
    const store = new FileCredentialStore(join(dir, 'agents', 'shop'));
    expect(await store.load()).toBeNull();
    const record = {
      credential: 'pcc_0123456789abcdef',
      clusterId: 'c-1',
      enrollmentTokenSha256: tokenSha256('pen_x'),
    };
    await store.save(record);
    expect(await store.load()).toEqual(record);
  });

  it('is private: the file 0600 and the state directory 0700', async () => {
    const stateDir = join(dir, 'state');
    const store = new FileCredentialStore(stateDir);
    await store.save({ credential: 'pcc_0123456789abcdef', clusterId: null, enrollmentTokenSha256: null });
    expect((await stat(join(stateDir, CREDENTIAL_FILE_NAME))).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
  });

  it('replaces atomically: no temporary files remain and the content is always a whole record', async () => {
    const store = new FileCredentialStore(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.save({
          credential: `pcc_credential_${String(i).padStart(4, '0')}`,
          clusterId: 'c',
          enrollmentTokenSha256: null,
        }),
      ),
    );
    expect(await readdir(dir)).toEqual([CREDENTIAL_FILE_NAME]);
    expect((await store.load())!.credential).toMatch(/^pcc_credential_\d{4}$/);
  });

  it('refuses a corrupt file instead of presenting it', async () => {
    await writeFile(join(dir, CREDENTIAL_FILE_NAME), '{"credential": 42}');
    await expect(new FileCredentialStore(dir).load()).rejects.toThrow(
      'does not hold a valid agent credential record',
    );
    await writeFile(join(dir, CREDENTIAL_FILE_NAME), 'not json');
    await expect(new FileCredentialStore(dir).load()).rejects.toThrow('is not valid JSON');
  });

  it('never writes the enrollment token itself', async () => {
    const store = new FileCredentialStore(dir);
    await store.save({
      credential: 'pcc_0123456789abcdef',
      clusterId: 'c',
      enrollmentTokenSha256: tokenSha256('pen_secret_token_value'),
    });
    expect(await readFile(store.path, 'utf8')).not.toContain('pen_secret_token_value');
  });
});

describe('choosing the hello auth', () => {
  const stored = {
    credential: 'pcc_stored_credential',
    clusterId: 'c',
    enrollmentTokenSha256: tokenSha256('pen_first_token'),
  };

  it('enrolls with a token when nothing is stored', () => {
    expect(chooseAuth(null, 'pen_first_token')).toEqual({ kind: 'enrollment', token: 'pen_first_token' });
  });
  it('prefers the stored credential over the token it came from', () => {
    expect(chooseAuth(stored, 'pen_first_token')).toEqual({
      kind: 'credential',
      credential: 'pcc_stored_credential',
    });
    expect(chooseAuth(stored, null)).toEqual({ kind: 'credential', credential: 'pcc_stored_credential' });
  });
  it('enrolls again with a different token (the cluster was registered again)', () => {
    expect(chooseAuth(stored, 'pen_second_token')).toEqual({ kind: 'enrollment', token: 'pen_second_token' });
  });
  it('has nothing to offer without either', () => {
    expect(chooseAuth(null, null)).toBeNull();
  });
});
