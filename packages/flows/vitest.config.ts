import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'flows', include: ['src/**/*.spec.ts'] },
});
