import { defineConfig } from 'vitest/config';

// The fault suite (decision 0082): the real stack on a private PostgreSQL and Redis, processes
// killed and servers stopped under load. Files run one after another: each starts a whole stack.
export default defineConfig({
  test: {
    name: 'faults',
    include: ['**/*.test.ts'],
    fileParallelism: false,
    // After every other project, the browser tests included: a whole stack per file on two cores
    // would otherwise starve the tests running beside it.
    sequence: { groupOrder: 2 },
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
