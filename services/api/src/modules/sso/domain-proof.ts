// Proof that an organisation controls an email domain: a DNS TXT record at
// _palisade-challenge.<domain> holding palisade-domain-verification=<token> (decision 0102).
// Production asks the system's resolvers (node:dns). The lookup is one injectable class so the
// tests answer it from records they control; nothing else in the module touches DNS.
import { Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { SSO_LIMITS } from '../../config/limits.js';

export type TxtLookup = (name: string) => Promise<string[][]>;

@Injectable()
export class DomainProofResolver {
  private lookup: TxtLookup;

  constructor() {
    const resolver = new Resolver({ timeout: SSO_LIMITS.dnsTimeoutMs, tries: 2 });
    this.lookup = (name) => resolver.resolveTxt(name);
  }

  /** Replaces where TXT records come from (tests; a deployment with its own resolver). */
  use(lookup: TxtLookup): void {
    this.lookup = lookup;
  }

  /** The TXT strings at `name` (each record's chunks joined); [] when there is no such record. */
  async txt(name: string): Promise<string[]> {
    try {
      return (await this.lookup(name)).map((chunks) => chunks.join(''));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw err;
    }
  }
}
