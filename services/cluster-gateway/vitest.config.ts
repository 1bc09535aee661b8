import { defineConfig } from 'vitest/config';

// Each test file clones the migrated template database and uses its own Redis prefix, so files run
// in parallel without seeing each other's clusters, leases or channels.
export default defineConfig({
  test: {
    name: 'cluster-gateway',
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
