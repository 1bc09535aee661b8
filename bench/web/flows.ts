// bench/web, the flow explorer: time from navigation start to the first row of the flow table
// painted, for a signed-in user of an organisation with N stored flows (default 1 M) in the last
// 24 h, on the built console served by the real API (issue 16: goal < 1 s).
// The stack, in this process as bench/flows starts it: a fresh migrated database, the dev OIDC
// provider and the API (createApiServer, serving web/dist). A user signs in through the provider's
// form in Chromium and creates the organisation in the console; its two clusters (`shop`, and
// `staging` shaped like the 2,000-pod demo: 200 workloads in 20 namespaces) get the flows, 10 % and
// 90 %, generated in SQL straight into the flows table as the gateway's writer stores them
// (bench/flows/queries.ts), then ANALYZEd. Then /o/<slug>/flows?range="24h" is opened:
//   cold  in a fresh browser context each time (empty HTTP cache, the session cookie only);
//   warm  reloaded in one context (the console's files cached).
// The first cold load (the API's and Postgres's first read of the table) is reported on its own.
// The row is "painted" at the first animation frame after it entered the DOM plus a task, as the
// board fixture measures it. The GraphQL requests of the median warm load are printed as a
// waterfall, to show where the time goes.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { startDevOidcProvider } from '@palisade/dev-oidc';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { freePort } from '@palisade/testing';
import { loadEnv } from '../../services/api/src/config/env.js';
import { createLogger } from '../../services/api/src/platform/http/logger.js';
import { createApiServer } from '../../services/api/src/server.js';
import { GENERATE } from '../flows/queries.js';

const CHUNK = 250_000;
const ORG = 'Bench Org';
const SLUG = 'bench-org';
export const FLOWS_GOAL_MS = 1000;

interface RowGlobals {
  __firstRow?: number;
  __rows?: number;
}

/** Installed before the console's code: notes when the first flow row is in the DOM, then painted. */
function watchFirstRow(): void {
  const g = globalThis as unknown as RowGlobals & {
    document: { querySelectorAll(s: string): { length: number } };
    MutationObserver: new (cb: () => void) => {
      observe(target: unknown, opts: { childList: boolean; subtree: boolean }): void;
      disconnect(): void;
    };
    requestAnimationFrame(cb: () => void): number;
    setTimeout(cb: () => void, ms: number): number;
    performance: { now(): number };
  };
  const mo = new g.MutationObserver(() => {
    const n = g.document.querySelectorAll('.flow-row').length;
    if (n === 0) return;
    mo.disconnect();
    g.__rows = n;
    g.requestAnimationFrame(() => g.setTimeout(() => (g.__firstRow = g.performance.now()), 0));
  });
  mo.observe(g.document, { childList: true, subtree: true });
}

interface Load {
  ms: number;
  rows: number;
  /** GraphQL operations: name, start and end in ms after navigation start. */
  graphql: { op: string; start: number; end: number }[];
}

async function openExplorer(page: Page, origin: string): Promise<Load> {
  const requests: Request[] = [];
  const onRequest = (r: Request) => {
    if (new URL(r.url()).pathname === '/graphql') requests.push(r);
  };
  page.on('requestfinished', onRequest);
  await page.goto(`${origin}/o/${SLUG}/flows?range=%2224h%22`);
  await page
    .waitForFunction(() => (globalThis as unknown as RowGlobals).__firstRow !== undefined, undefined, {
      timeout: 60_000,
    })
    .catch(async (err: unknown) => {
      const text = (
        await page
          .locator('main')
          .innerText()
          .catch(() => '')
      ).slice(0, 600);
      throw new Error(`no flow row at ${page.url()}: ${String(err)}\npage shows: ${text}`);
    });
  page.off('requestfinished', onRequest);
  const t = await page.evaluate(() => {
    const g = globalThis as unknown as RowGlobals & { performance: { timeOrigin: number } };
    return { ms: g.__firstRow ?? Number.NaN, rows: g.__rows ?? 0, origin: g.performance.timeOrigin };
  });
  const graphql = requests.map((r) => {
    const timing = r.timing();
    const body = r.postData() ?? '';
    const op =
      /"operationName"\s*:\s*"(\w+)"/.exec(body)?.[1] ??
      /(?:query|mutation)\s+(\w+)/.exec(body)?.[1] ??
      (r.method() === 'GET' ? (new URL(r.url()).searchParams.get('operationName') ?? 'GET') : '?');
    const start = timing.startTime - t.origin;
    return { op, start, end: start + timing.responseEnd };
  });
  return { ms: t.ms, rows: t.rows, graphql };
}

async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
  await page.locator('input[name=email]').fill('alice@example.com');
  await page.locator('input[name=password]').fill('palisade');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Organisation name').fill(ORG);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await page.getByRole('heading', { name: ORG }).waitFor();
}

async function storeFlows(admin: pg.Client, flows: number): Promise<number> {
  const org = await admin.query<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [SLUG]);
  const orgId = org.rows[0]?.id;
  if (!orgId) throw new Error(`the console did not create the organisation ${SLUG}`);
  await admin.query("SELECT flows_ensure_partitions((now() AT TIME ZONE 'UTC')::date - 1)");
  const t0 = performance.now();
  const shop = Math.round(flows / 10);
  const parts: [string, number, number][] = [
    ['shop', 1, shop],
    ['staging', shop + 1, flows],
  ];
  const generatedAt = new Date();
  for (const [name, first, last] of parts) {
    const cluster = await admin.query<{ id: string }>(
      `INSERT INTO clusters (org_id, name, labels) VALUES ($1, $2, '{"env":"bench"}') RETURNING id`,
      [orgId, name],
    );
    for (let from = first; from <= last; from += CHUNK)
      await admin.query(GENERATE, [
        orgId,
        cluster.rows[0]!.id,
        from,
        Math.min(last, from + CHUNK - 1),
        generatedAt,
      ]);
  }
  await admin.query('ANALYZE flows');
  return performance.now() - t0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export interface ExplorerTimes {
  storeMs: number;
  first: Load;
  cold: Load[];
  warm: Load[];
}

export async function flowExplorerTimes(opts: {
  flows: number;
  runs: number;
  chromium: string;
  consoleDir: string;
}): Promise<ExplorerTimes> {
  const db = await createMigratedDatabase('palisade_bench_web_flows');
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const oidc = await startDevOidcProvider({
    port: 0,
    log: () => undefined,
    clients: [
      {
        clientId: 'palisade-bench',
        clientSecret: 'bench-secret',
        redirectUris: [`${origin}/auth/callback`],
        postLogoutRedirectUris: [`${origin}/`],
      },
    ],
  });
  let api: Awaited<ReturnType<typeof createApiServer>> | undefined;
  let browser: Browser | undefined;
  try {
    const env = loadEnv({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      DATABASE_URL: db.urlAs('palisade_app'),
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_PREFIX: `bench-${db.name}-${randomBytes(4).toString('hex')}`,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: 'palisade-bench',
      OIDC_CLIENT_SECRET: 'bench-secret',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      CONSOLE_DIR: opts.consoleDir,
      LOG_LEVEL: 'silent',
    });
    api = await createApiServer(env, createLogger('silent', 'bench'));
    await api.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: opts.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const viewport = { width: 1440, height: 900 };
    const signInContext = await browser.newContext({ viewport });
    await signIn(await signInContext.newPage(), origin);
    const session = await signInContext.storageState();
    await signInContext.close();

    const storeMs = await storeFlows(admin, opts.flows);
    const fresh = async (): Promise<BrowserContext> => {
      const context = await browser!.newContext({ viewport, storageState: session });
      await context.addInitScript(watchFirstRow);
      return context;
    };
    const once = async (): Promise<Load> => {
      const context = await fresh();
      try {
        return await openExplorer(await context.newPage(), origin);
      } finally {
        await context.close();
      }
    };
    const first = await once();
    const cold: Load[] = [];
    for (let i = 0; i < opts.runs; i++) cold.push(await once());
    const warm: Load[] = [];
    const context = await fresh();
    const page = await context.newPage();
    await openExplorer(page, origin); // fills the HTTP cache: not counted
    for (let i = 0; i < opts.runs; i++) warm.push(await openExplorer(page, origin));
    await context.close();
    return { storeMs, first, cold, warm };
  } finally {
    await browser?.close();
    await api?.close();
    await oidc.close();
    await admin.end();
    await db.drop();
  }
}

/** Prints the explorer's figures, the goal judged on the cold and the warm median. */
export function printExplorerTimes(flows: number, t: ExplorerTimes): void {
  const cold = median(t.cold.map((l) => l.ms));
  const warm = median(t.warm.map((l) => l.ms));
  const range = (loads: Load[]) =>
    `min ${Math.min(...loads.map((l) => l.ms)).toFixed(0)}, max ${Math.max(...loads.map((l) => l.ms)).toFixed(0)}`;
  console.log(
    `flow explorer, ${flows.toLocaleString('en')} stored flows (2 clusters, last 24 h; stored in ${(t.storeMs / 1000).toFixed(0)} s), navigation start to the first row painted, last 24 h, signed in:`,
  );
  console.log(`  first load (fresh API, fresh browser context): ${t.first.ms.toFixed(0)} ms`);
  console.log(
    `  cold (fresh browser context, empty HTTP cache), median of ${t.cold.length}: ${cold.toFixed(0)} ms (${range(t.cold)})`,
  );
  console.log(
    `  warm (reload, console cached), median of ${t.warm.length}: ${warm.toFixed(0)} ms (${range(t.warm)})`,
  );
  const med = [...t.warm].sort((a, b) => a.ms - b.ms)[Math.floor(t.warm.length / 2)];
  if (med) {
    const ops = [...med.graphql]
      .sort((a, b) => a.start - b.start)
      .map((g) => `${g.op} ${g.start.toFixed(0)}→${g.end.toFixed(0)}`)
      .join(', ');
    console.log(`  median warm load's GraphQL requests (ms after navigation start): ${ops || 'none'}`);
  }
  const met = cold < FLOWS_GOAL_MS && warm < FLOWS_GOAL_MS;
  console.log(`  goal < ${FLOWS_GOAL_MS} ms (cold and warm medians): ${met ? 'met' : 'NOT met'}`);
}
