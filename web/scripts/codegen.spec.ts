// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OUTPUT_FILE } from './codegen.js';

describe('GraphQL codegen', () => {
  it('committed src/generated/graphql.ts matches the schema and the documents (run npm run codegen -w web)', async () => {
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(await generate());
  }, 30_000);
});
