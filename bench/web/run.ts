// bench/web: the console's weight and the policy board's speed.
//   1. builds the console (vite build) and sums the gzip size of the shell: the JavaScript that
//      index.html loads before any page's own chunk (entry + modulepreloads);
//   2. builds the bench fixture (vite build --mode bench: web/bench/index.html into web/dist-bench,
//      never part of the console), serves it with the API's own static handler and opens the board
//      fixture (/bench/board?n=1000, generated policies, no API) in headless Debian Chromium, several times,
//      reporting the time from building the board model to the painted board, and from navigation
//      start to the painted board.
//   3. opens the service graph fixture (/bench/graph?n=1000: the API's largest graph, every
//      namespace expanded) and reports the time to the first drawing, to the drawing laid out by
//      the worker, and the frame rate while the graph is panned with the mouse.
//   4. the flow explorer over N stored flows (default 1 M) in the real API (flows.ts): navigation
//      start to the first row painted, cold and warm.
// Goals: shell < 250 KB gzip, board < 1 s, graph interactive < 2 s and 30+ fps on pan, first flow
// rows < 1 s.
// Usage: npm run bench -- web [--flows N] [--runs N] [--only shell|board|graph|flows]
//   (e.g. `--only flows --flows 20000` for a quick check of the explorer)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { chromium } from 'playwright-core';
import { registerStaticConsole } from '../../services/api/src/platform/http/static-console.js';
import { browserCpu, cpuSince, formatCpu, type CpuByProcess } from '../lib/browser-cpu.js';
import { machineLine } from '../lib/machine.js';
import { flowExplorerTimes, printExplorerTimes } from './flows.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(REPO, 'web', 'dist');
const BENCH_DIST = join(REPO, 'web', 'dist-bench');
const CHROMIUM = process.env['PALISADE_CHROMIUM'] ?? '/usr/bin/chromium';
const POLICIES = 1000;
const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
  },
});
const usage = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const positive = (name: string, v: string): number => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : usage(`--${name} must be a positive integer, not ${v}`);
};
const PARTS = ['shell', 'board', 'graph', 'flows'] as const;
if (args.only !== undefined && !(PARTS as readonly string[]).includes(args.only))
  usage(`--only must be one of ${PARTS.join(', ')}, not ${args.only}`);
const part = (name: (typeof PARTS)[number]) => args.only === undefined || args.only === name;
const RUNS = positive('runs', args.runs);
const FLOWS = positive('flows', args.flows);
const SHELL_GOAL_KB = 250;
const BOARD_GOAL_MS = 1000;
const GRAPH_NODES = 1000;
const GRAPH_GOAL_MS = 2000;
const PAN_GOAL_FPS = 30;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

function build(fixture: boolean): void {
  const r = spawnSync(
    process.execPath,
    ['--import', './scripts/register.mjs', 'web/scripts/build-console.ts', '--force'],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0) throw new Error('the console build failed');
  if (!fixture) return;
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const b = spawnSync(process.execPath, [vite, 'build', '--mode', 'bench', '--logLevel', 'warn'], {
    cwd: join(REPO, 'web'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (b.status !== 0) throw new Error('the bench fixture build failed');
}

function shellSize(): { files: string[]; bytes: number; css: number } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g),
    ...html.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g),
  ].map((m) => m[1] ?? '');
  const css = [...html.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+)"/g)].reduce(
    (n, m) => n + gz(m[1] ?? ''),
    0,
  );
  return { files, bytes: files.reduce((n, f) => n + gz(f), 0), css };
}

function largestChunks(shell: readonly string[]): string {
  return readdirSync(join(DIST, 'assets'))
    .filter((f) => f.endsWith('.js') && !shell.includes(`assets/${f}`))
    .map((f) => ({ f, n: gz(`assets/${f}`) }))
    .sort((a, b) => b.n - a.n)
    .slice(0, 4)
    .map(({ f, n }) => `${f.replace(/-[\w-]{8}\.js$/, '')} ${kb(n)}`)
    .join(', ');
}

interface BoardGlobals {
  __boardRenderStart?: number;
  __boardPainted?: number;
  document: { querySelectorAll(selector: string): { length: number } };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function boardTimes(): Promise<{ render: number[]; load: number[] }> {
  const app = Fastify();
  if (!registerStaticConsole(app, BENCH_DIST)) throw new Error('web/dist-bench has no index.html');
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const render: number[] = [];
  const load: number[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    for (let i = 0; i <= RUNS; i++) {
      const page = await context.newPage();
      await page.goto(`${origin}/bench/board?n=${POLICIES}`);
      // The page's globals, typed here by hand: this file is type-checked without the DOM library.
      await page.waitForFunction(
        () => (globalThis as unknown as BoardGlobals).__boardPainted !== undefined,
        undefined,
        {
          timeout: 30_000,
        },
      );
      const t = await page.evaluate(() => {
        const g = globalThis as unknown as BoardGlobals;
        return {
          start: g.__boardRenderStart ?? Number.NaN,
          painted: g.__boardPainted ?? Number.NaN,
          cards: g.document.querySelectorAll('[data-policy]').length,
        };
      });
      if (t.cards !== POLICIES) throw new Error(`the board shows ${t.cards} policies, not ${POLICIES}`);
      // The first load fills the HTTP cache and compiles the code: a warm-up, not counted.
      if (i > 0) {
        render.push(t.painted - t.start);
        load.push(t.painted);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await app.close();
  }
  return { render, load };
}

interface GraphGlobals {
  __graphStart?: number;
  __graphDrawn?: number;
  __graphLaidOut?: number;
  __graphIterations?: number;
  __frames?: number;
  requestAnimationFrame(cb: () => void): number;
  performance: { now(): number };
}

async function graphTimes(): Promise<{
  drawn: number[];
  laidOut: number[];
  iterations: number[];
  fps: number[];
  cpu: CpuByProcess[];
}> {
  const app = Fastify();
  // The fixture is in the bench entry's build (web/dist-bench), not in the console's router.
  if (!registerStaticConsole(app, BENCH_DIST)) throw new Error('web/dist-bench has no index.html');
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const drawn: number[] = [];
  const laidOut: number[] = [];
  const iterations: number[] = [];
  const fps: number[] = [];
  const cpu: CpuByProcess[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    for (let i = 0; i <= RUNS; i++) {
      const page = await context.newPage();
      const cpu0 = browserCpu();
      await page.goto(`${origin}/bench/graph?n=${GRAPH_NODES}`);
      await page.waitForFunction(
        () => (globalThis as unknown as GraphGlobals).__graphLaidOut !== undefined,
        undefined,
        { timeout: 60_000 },
      );
      const t = await page.evaluate(() => {
        const g = globalThis as unknown as GraphGlobals;
        const start = g.__graphStart ?? Number.NaN;
        return {
          drawn: (g.__graphDrawn ?? Number.NaN) - start,
          laidOut: (g.__graphLaidOut ?? Number.NaN) - start,
          iterations: g.__graphIterations ?? Number.NaN,
        };
      });
      const loadCpu = cpuSince(cpu0);
      // Pan: drag across the canvas for about a second, counting the animation frames drawn.
      const box = await page.locator('.graph-canvas').boundingBox();
      if (!box) throw new Error('the graph canvas is not on the page');
      await page.evaluate(() => {
        const g = globalThis as unknown as GraphGlobals;
        g.__frames = 0;
        const tick = () => {
          g.__frames = (g.__frames ?? 0) + 1;
          g.requestAnimationFrame(tick);
        };
        g.requestAnimationFrame(tick);
      });
      const t0 = await page.evaluate(() => (globalThis as unknown as GraphGlobals).performance.now());
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      for (let step = 0; step < 60; step++) {
        const a = (step / 60) * 2 * Math.PI;
        await page.mouse.move(
          box.x + box.width / 2 + 200 * Math.cos(a),
          box.y + box.height / 2 + 150 * Math.sin(a),
        );
      }
      await page.mouse.up();
      const f = await page.evaluate(() => {
        const g = globalThis as unknown as GraphGlobals;
        return { frames: g.__frames ?? 0, now: g.performance.now() };
      });
      // The first load fills the HTTP cache and compiles the code: a warm-up, not counted.
      if (i > 0) {
        drawn.push(t.drawn);
        laidOut.push(t.laidOut);
        iterations.push(t.iterations);
        cpu.push(loadCpu);
        fps.push((f.frames * 1000) / (f.now - t0));
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await app.close();
  }
  return { drawn, laidOut, iterations, fps, cpu };
}

async function main(): Promise<void> {
  console.log(machineLine());
  build(part('board') || part('graph'));
  if (part('shell')) {
    const shell = shellSize();
    console.log(
      `console shell JS (gzip): ${kb(shell.bytes)} in ${shell.files.length} files; goal < ${SHELL_GOAL_KB} KB: ${
        shell.bytes < SHELL_GOAL_KB * 1024 ? 'met' : 'NOT met'
      }`,
    );
    console.log(`  shell CSS (gzip): ${kb(shell.css)}; largest lazy chunks: ${largestChunks(shell.files)}`);
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`browser figures: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    return;
  }
  if (part('board')) {
    const { render, load } = await boardTimes();
    const r = median(render);
    console.log(
      `policy board, ${POLICIES} policies in 4 tiers, median of ${RUNS} loads: ${r.toFixed(0)} ms from building the board to painted (min ${Math.min(...render).toFixed(0)}, max ${Math.max(...render).toFixed(0)}); goal < ${BOARD_GOAL_MS} ms: ${r < BOARD_GOAL_MS ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  navigation start to painted board: median ${median(load).toFixed(0)} ms (served locally, cached)`,
    );
  }
  if (part('graph')) {
    const graph = await graphTimes();
    const laid = median(graph.laidOut);
    const pan = median(graph.fps);
    console.log(
      `service graph, ${GRAPH_NODES} nodes (every namespace expanded), median of ${RUNS} loads: first drawn ${median(graph.drawn).toFixed(0)} ms, laid out ${laid.toFixed(0)} ms after building it (median ${median(graph.iterations).toFixed(0)} ForceAtlas2 iterations within the layout's time budget); goal < ${GRAPH_GOAL_MS} ms: ${laid < GRAPH_GOAL_MS ? 'met' : 'NOT met'}`,
    );
    console.log(`  browser CPU from navigation to laid out, median by process: ${formatCpu(graph.cpu)}`);
    console.log(
      `  panning: median ${pan.toFixed(0)} frames per second (software WebGL, --disable-gpu); goal ${PAN_GOAL_FPS}+: ${pan >= PAN_GOAL_FPS ? 'met' : 'NOT met'}`,
    );
  }
  if (part('flows')) {
    const times = await flowExplorerTimes({ flows: FLOWS, runs: RUNS, chromium: CHROMIUM, consoleDir: DIST });
    printExplorerTimes(FLOWS, times);
    console.log(machineLine());
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
