import { defineConfig } from 'vitest/config';

// Property tests run thousands of cases: on a loaded two-core CI machine they can pass Vitest's
// 5 s default while doing nothing wrong, so they get the same budget as the service suites.
export default defineConfig({
  test: { testTimeout: 30_000, name: 'flows', include: ['src/**/*.spec.ts'] },
});
