import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'dev-oidc', include: ['src/**/*.spec.ts', 'test/**/*.test.ts'], testTimeout: 30_000 },
});
