import { defineConfig } from 'vitest/config';

// Repository-wide checks: type checking, lint, and anything that spans workspaces.
export default defineConfig({
  test: { name: 'repo', include: ['**/*.test.ts'], testTimeout: 600_000 },
});
