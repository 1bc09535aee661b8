// A throwaway PKI for TLS tests, made with the openssl CLI in a temporary directory: a CA, a server
// certificate for loopback (and Goldmane's in-cluster names), a client certificate, all signed by
// that CA, plus a second, unrelated CA to play the wrong trust anchor. EC P-256 keys: fast to make.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: KeyPair;
  readonly server: KeyPair;
  readonly client: KeyPair;
  /** A CA that signed nothing here. */
  readonly otherCa: KeyPair;
  /** A client certificate signed by `otherCa`. */
  readonly strangerClient: KeyPair;
  remove(): void;
}

export const GOLDMANE_SERVER_NAMES = ['goldmane', 'goldmane.calico-system.svc', 'localhost'];

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const read = (name: string): KeyPair => ({
    cert: readFileSync(join(dir, `${name}.crt`)),
    key: readFileSync(join(dir, `${name}.key`)),
    certFile: join(dir, `${name}.crt`),
    keyFile: join(dir, `${name}.key`),
  });
  const ecKey = (name: string): void =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const makeCa = (name: string): void => {
    ecKey(name);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      `${name}.crt`,
    );
  };
  const issue = (name: string, ca: string, extensions: string): void => {
    ecKey(name);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  };
  makeCa('ca');
  makeCa('other-ca');
  const san = [...GOLDMANE_SERVER_NAMES.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  issue('server', 'ca', `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  issue('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  issue('stranger-client', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: read('ca'),
    server: read('server'),
    client: read('client'),
    otherCa: read('other-ca'),
    strangerClient: read('stranger-client'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
