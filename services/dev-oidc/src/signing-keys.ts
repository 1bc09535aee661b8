// The provider's signing key set, generated fresh at every start and held only in memory: tokens
// signed by a previous run stop verifying after a restart, which is what a dev issuer should do.
// RS256 because it is the algorithm every relying party must support (OIDC Core §15.1).
import { generateKeyPair, randomUUID, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface SigningKeySet {
  readonly keys: JsonWebKey[];
}

export async function generateSigningKeys(): Promise<SigningKeySet> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] };
}
