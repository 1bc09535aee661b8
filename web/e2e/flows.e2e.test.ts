// The flow pages in headless Chromium against the real stack: two simulated clusters (`shop` and
// the 2,000-pod `staging`, agent/examples/large.yaml) send their flows through the gateway into
// Postgres; the explorer lists them, a chip narrows them (in the URL), a row explains its verdict;
// a deny policy saved in the editor shows up as denied flows whose trace names and links it; the
// service graph draws the staging cluster and a selected node opens the explorer filtered to it;
// the dashboard shows the fleet's denied flows. Screenshots in light and dark go to
// test-artifacts/screenshots/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium, screenshot } from './support/browser.js';
import { enrollmentTokenOf, startStack, type Stack } from './support/stack.js';

const DENY_DB = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: deny-db-ingress
  namespace: db
spec:
  tier: default
  order: 10
  selector: all()
  types:
    - Ingress
  ingress:
    - action: Deny
`;

async function nav(page: Page, section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.cm-content');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** Light, then dark (through the theme toggle), then back to following the system. */
async function screenshots(page: Page, name: string): Promise<void> {
  const theme = page.getByRole('combobox', { name: 'Theme' });
  await theme.selectOption('light');
  await screenshot(page, `${name}-light`);
  await theme.selectOption('dark');
  await screenshot(page, `${name}-dark`);
  await theme.selectOption('system');
}

/** The Source / Destination cells of the flow table's rows. */
async function column(page: Page, index: number): Promise<string[]> {
  return page.locator(`.flow-row td:nth-child(${index})`).allTextContents();
}

if (!chromiumAvailable()) {
  describe('flow pages in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('flow explorer and service graph against the real stack', () => {
    let stack: Stack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const slug = 'flows-org';

    beforeAll(async () => {
      stack = await startStack();
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await screenshot(page, `failed-flows-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    async function connect(name: string, example: string): Promise<void> {
      await nav(page, 'Clusters');
      await page.getByRole('button', { name: 'Connect cluster' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a cluster' });
      await dialog.getByLabel('Cluster name').fill(name);
      await dialog.getByRole('button', { name: 'Register cluster' }).click();
      const command = (await dialog.getByLabel('Install command').textContent()) ?? '';
      stack.startAgent(example, await enrollmentTokenOf(command));
      await dialog
        .getByText(`${name} is connected.`)
        .waitFor({ timeout: 60_000 })
        .catch((err: unknown) => {
          throw new Error(`${name} did not connect: ${String(err)}\n${stack.logs()}`);
        });
      await dialog.getByRole('button', { name: 'Close' }).click();
    }

    it('signs in, creates an organisation and connects the demo clusters', async () => {
      await page.goto(`${stack.origin}/`);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
      await page.locator('input[name=email]').fill('alice@example.com');
      await page.locator('input[name=password]').fill('palisade');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Organisation name').fill('Flows Org');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'Flows Org' }).waitFor();
      await connect('shop', 'shop');
      await connect('staging', 'large');
    });

    it('lists the demo clusters’ flows, newest first, with live updates', async () => {
      await nav(page, 'Flows');
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}/flows`);
      // The simulated clusters close a 15-second bucket, the gateway stores it; reload until it is.
      const rows = page.locator('.flow-row');
      const deadline = Date.now() + 90_000;
      while ((await rows.count()) === 0) {
        if (Date.now() > deadline) throw new Error(`no flows arrived:\n${stack.logs()}`);
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(2_000);
      }
      const clusters = new Set(await column(page, 2));
      expect([...clusters].every((c) => c === 'shop' || c === 'staging')).toBe(true);
      await page.locator('.flow-live[data-state="live"]').waitFor();
      await screenshots(page, 'flows-01-explorer');
    });

    it('narrows the flows with a chip kept in the URL, and explains a row’s verdict', async () => {
      await page.getByLabel('Cluster').selectOption('shop');
      await page.getByLabel('Filter on').selectOption({ label: 'Source namespace' });
      await page.getByLabel('Value').fill('frontend');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await page.getByRole('list', { name: 'Active filters' }).getByText('frontend').waitFor();
      // Rows of the narrowed view, and only those (an empty table while it loads is not an answer).
      await page.waitForFunction(() => {
        const cells = [...document.querySelectorAll('.flow-row td:nth-child(3)')];
        return cells.length > 0 && cells.every((td) => td.textContent?.startsWith('frontend/'));
      });
      const sources = await column(page, 3);
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.every((s) => s.startsWith('frontend/'))).toBe(true);
      const url = new URL(page.url());
      expect(url.searchParams.get('srcNs')).toContain('frontend');
      expect(url.searchParams.get('clusters')).toContain('shop');

      // A shared link opens the same view.
      await page.goto(page.url());
      await page.locator('.flow-row').first().waitFor();
      expect((await column(page, 3)).every((s) => s.startsWith('frontend/'))).toBe(true);

      await page.locator('.flow-row__open').first().click();
      const verdict = page.getByRole('region', { name: 'Verdict' });
      await verdict.waitFor();
      const trace = verdict.getByRole('list', { name: 'Enforced trace' });
      await trace.waitFor();
      expect(await trace.locator('.trace__step').count()).toBeGreaterThan(0);
      await screenshots(page, 'flows-02-verdict');
    });

    it('shows flows denied by a policy saved in the editor, the trace linking to it', async () => {
      await nav(page, 'Policies');
      await page.getByRole('button', { name: 'New policy' }).click();
      await setEditorText(page, DENY_DB);
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review new policy' })
        .getByRole('button', { name: 'Save' })
        .click();
      await page.getByRole('heading', { name: 'db/deny-db-ingress' }).waitFor();

      await page.goto(
        `${stack.origin}/o/${slug}/flows?range=%2215m%22&clusters=%5B%22shop%22%5D&policy=%5B%22deny-db-ingress%22%5D&action=%5B%22DENY%22%5D`,
      );
      await page.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
      const rows = page.locator('.flow-row');
      const deadline = Date.now() + 90_000;
      while ((await rows.count()) === 0) {
        if (Date.now() > deadline) throw new Error(`no denied flows arrived:\n${stack.logs()}`);
        await page.waitForTimeout(2_000);
        // The live stream adds them as they land; a refresh re-reads the history as well.
        if ((await rows.count()) === 0) await page.getByRole('button', { name: 'Refresh' }).click();
      }
      const destinations = await column(page, 4);
      expect(destinations.every((d) => d.startsWith('db/'))).toBe(true);
      expect(await page.locator('.flow-row td:nth-child(6)').first().textContent()).toBe('Deny');

      await page.locator('.flow-row__open').first().click();
      const trace = page
        .getByRole('region', { name: 'Verdict' })
        .getByRole('list', { name: 'Enforced trace' });
      const link = trace.getByRole('link', { name: 'db/deny-db-ingress' });
      await link.waitFor();
      await screenshots(page, 'flows-03-denied-by-policy');
      await link.click();
      await page.getByRole('heading', { name: 'db/deny-db-ingress' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}/policies/editor`);
    });

    it('draws the staging cluster’s service graph, and a selected node filters the flow table', async () => {
      await nav(page, 'Service graph');
      await page.getByLabel('Cluster').selectOption('staging');
      const nodes = page.getByRole('region', { name: 'Nodes' });
      const payments = nodes.getByRole('button', { name: /^payments Namespace/ });
      // The graph is read once loaded (a Refresh restarts the read, so only between reads).
      const settled = nodes.or(page.getByRole('heading', { name: 'No traffic in this time range' }));
      const deadline = Date.now() + 90_000;
      for (;;) {
        await settled.first().waitFor({ timeout: 60_000 });
        if (await payments.isVisible()) break;
        if (Date.now() > deadline) throw new Error(`the graph has no payments namespace:\n${stack.logs()}`);
        await page.waitForTimeout(2_000);
        await page.getByRole('button', { name: 'Refresh' }).click();
      }
      await page.getByTestId('graph-canvas').locator('canvas').first().waitFor();
      await screenshots(page, 'flows-04-service-graph');

      await nodes.getByRole('button', { name: 'Expand payments' }).click();
      await nodes
        .getByRole('button', { name: /^payments\/.+ Workload/ })
        .first()
        .waitFor();
      expect(new URL(page.url()).searchParams.get('expand')).toBeTruthy();
      await screenshots(page, 'flows-05-service-graph-expanded');

      await page.getByLabel('Find a node').fill('payments');
      await nodes
        .getByRole('button', { name: /^payments\/.+ Workload/ })
        .first()
        .click();
      const selection = page.getByRole('region', { name: /^payments\// });
      await selection.waitFor();
      const workload = (await selection.getByRole('heading').textContent())?.split(' ')[0] ?? '';
      await selection.getByRole('link', { name: /^Flows from / }).click();
      await page.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
      const url = new URL(page.url());
      expect(url.searchParams.get('clusters')).toContain('staging');
      expect(url.searchParams.get('srcNs')).toContain('payments');
      await page.locator('.flow-row').first().waitFor({ timeout: 30_000 });
      const sources = await column(page, 3);
      expect(sources.every((s) => s === workload)).toBe(true);
    });

    it('shows the fleet on the dashboard: denied flows per cluster and the top denied pairs', async () => {
      await nav(page, 'Dashboard');
      const denied = page.getByRole('region', { name: 'Denied flows, last hour' });
      await denied.waitFor();
      await denied.locator('[data-cluster="shop"]').waitFor();
      expect(
        Number(await denied.locator('[data-cluster="shop"] [data-count]').getAttribute('data-count')),
      ).toBeGreaterThan(0);
      // The deny policy on db shows among the most denied pairs, linking to those flows.
      const pairs = page.getByRole('region', { name: 'Top denied pairs, last hour' });
      const toDb = pairs.getByRole('link', { name: /→ db\// }).first();
      await toDb.waitFor({ timeout: 30_000 });
      await screenshots(page, 'flows-06-dashboard');
      await toDb.click();
      await page.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
      await page.locator('.flow-row').first().waitFor();
      const actions = await page.locator('.flow-row td:nth-child(6)').allTextContents();
      expect(actions.every((a) => a === 'Deny')).toBe(true);
    });
  });
}
