import { defineConfig } from 'vitest/config';

// The scripts behind `npm start`, `npm test` and the admin command (the supervisor).
export default defineConfig({
  test: { name: 'scripts', include: ['**/*.spec.ts'], testTimeout: 30_000 },
});
