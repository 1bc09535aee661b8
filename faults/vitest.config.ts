import { defineConfig } from 'vitest/config';

// The fault suite (decision 0082): the real stack on a private PostgreSQL and Redis, processes
// killed and servers stopped under load. Files run one after another: each starts a whole stack.
export default defineConfig({
  test: {
    name: 'faults',
    include: ['**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
