import { defineConfig } from 'vitest/config';

// One Vitest run over every workspace; each project has its own config beside its package.json.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'migrations/vitest.config.ts',
      'services/*/vitest.config.ts',
      'agent/vitest.config.ts',
      'scripts/vitest.config.ts',
      'faults/vitest.config.ts',
      'test/vitest.config.ts',
      'web/vitest.config.ts',
      'web/vitest.e2e.config.ts',
      'infra/vitest.config.ts',
    ],
  },
});
