import { readFileSync } from 'node:fs';
import { VERSION_STRING } from '@palisade/protocol';
import { describe, expect, it } from 'vitest';
import { AGENT_VERSION } from './version.js';

describe('agent version', () => {
  it('is the package version, in a form the hello accepts', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(AGENT_VERSION).toBe(pkg.version);
    expect(VERSION_STRING.test(AGENT_VERSION)).toBe(true);
  });
});
