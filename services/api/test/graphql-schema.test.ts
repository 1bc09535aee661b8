// services/api/schema.graphql is committed so clients (the console's codegen, automation) can rely
// on it; this fails when the code-first schema and the committed file differ.
// Regenerate with: node --import ./scripts/register.mjs services/api/src/schema/print-schema.ts > services/api/schema.graphql
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchemaSdl } from '../src/schema/print-schema.js';

describe('committed GraphQL schema', () => {
  it('equals the schema built from the code', async () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(await buildSchemaSdl()).toBe(committed);
  });
});
