// Truthful liveness in Chromium against the real stack (issue 20 item 5, decision 0083): with a
// cluster connected and the clusters page open, the API process is killed -9. The page must say
// that live updates stopped and mark the cluster's status stale rather than "Connected · now";
// once the API is back, the banner goes and the status is live again.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium, screenshot } from './support/browser.js';
import { enrollmentTokenOf, startStack, type Stack } from './support/stack.js';

if (!chromiumAvailable()) {
  describe('liveness in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('liveness in Chromium when the API dies', () => {
    let stack: Stack;
    let browser: Browser;
    let page: Page;
    const debug: string[] = [];

    beforeAll(async () => {
      stack = await startStack();
      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
      page.setDefaultTimeout(20_000);
      page.on('console', (m) => debug.push(`console ${m.type()}: ${m.text()}`));
      page.on('websocket', (ws) => {
        debug.push(`ws open ${ws.url()}`);
        ws.on('framereceived', (f) => debug.push(`ws < ${String(f.payload).slice(0, 200)}`));
        ws.on('framesent', (f) => debug.push(`ws > ${String(f.payload).slice(0, 200)}`));
        ws.on('socketerror', (e) => debug.push(`ws error ${e}`));
        ws.on('close', () => debug.push('ws closed'));
      });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await screenshot(page, `failed-liveness-${ctx.task.name.slice(0, 30)}`);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    it('marks statuses stale while the API is gone, and live again when it is back', async () => {
      await page.goto(`${stack.origin}/`);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
      await page.locator('input[name=email]').fill('alice@example.com');
      await page.locator('input[name=password]').fill('palisade');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome to Palisade' }).waitFor();
      await page.getByLabel('Organisation name').fill('Live Org');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'Live Org' }).waitFor();
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Clusters' })
        .click();
      await page.getByRole('button', { name: 'Connect cluster' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a cluster' });
      await dialog.getByLabel('Cluster name').fill('shop');
      await dialog.getByRole('button', { name: 'Register cluster' }).click();
      const command = (await dialog.getByLabel('Install command').textContent()) ?? '';
      stack.startAgent('shop', await enrollmentTokenOf(command));
      await dialog.getByText('shop is connected.').waitFor({ timeout: 60_000 });
      await dialog.getByRole('button', { name: 'Close' }).click();
      const row = page.locator('tr[data-cluster="shop"]');
      await row.getByText('Connected', { exact: true }).waitFor();
      expect(await row.textContent()).toContain('now');
      expect(await page.getByRole('alert').count()).toBe(0);

      await stack.killApi();

      const banner = page.getByRole('alert');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/^Live updates from Palisade stopped at /);
      await row.getByText('Connected (stale)').waitFor();
      expect(await row.textContent()).not.toContain('now');
      expect(await row.textContent()).toContain('unconfirmed since');
      await screenshot(page, 'liveness-api-down');

      await stack.restartApi();
      await banner.waitFor({ state: 'detached', timeout: 60_000 }).catch((err: unknown) => {
        throw new Error(
          `the banner stayed: ${String(err)}\n${debug.slice(-60).join('\n')}\n${stack.logs().slice(-3000)}`,
        );
      });
      await row.getByText('Connected', { exact: true }).waitFor();
      expect(await row.textContent()).toContain('now');
    });
  });
}
