// Vitest global setup for the API: one migrated template database per run; each test file clones
// it (see createTestDatabase in context.ts).
import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from '@palisade/migrations/test-databases';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await createTemplateDatabase('palisade_tpl');
  project.provide('templateDb', template.name);
  return () => template.drop();
}
