// The console's route tree: what ships to users. Fixture pages for benchmarks live in their own
// Vite entry (web/bench, `--mode bench`), never here.
import { createMemoryHistory } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../lib/query-client';
import { createAppRouter } from './router';

describe('console router', () => {
  it('has no benchmark route', () => {
    const router = createAppRouter(createQueryClient(), createMemoryHistory({ initialEntries: ['/'] }));
    const paths = Object.keys(router.routesByPath);
    expect(paths).toContain('/o/$slug/policies');
    expect(paths.filter((p) => p.startsWith('/bench'))).toEqual([]);
  });
});
