// One migrated template database per test run; each test file clones it (GatewayHarness.start).
import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from '@palisade/migrations/test-databases';

declare module 'vitest' {
  export interface ProvidedContext {
    gatewayTemplateDb: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await createTemplateDatabase('palisade_gwtpl');
  project.provide('gatewayTemplateDb', template.name);
  return () => template.drop();
}
