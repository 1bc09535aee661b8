// Browser tests: headless Debian Chromium (playwright-core, never a downloaded browser) against the
// real stack, which each test file starts itself (cloned template database, dev OIDC provider, the
// API serving the built console, the cluster gateway and a simulated agent). The template database
// comes from the API's global setup; the console is built once per run when it is stale.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'web-e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['../services/api/test/global-setup.ts', 'e2e/support/build-console.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // One browser file at a time runs in its own group, after every other project's tests.
    sequence: { groupOrder: 1 },
  },
});
