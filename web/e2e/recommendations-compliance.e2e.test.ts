// The recommendations and compliance pages in headless Chromium against the real stack: the shop
// demo cluster sends its flows through the gateway; its recommendations are built from them, one is
// previewed (it denies none of the flows it was built from) and accepted, and its staged policy is
// on the policy board. A network-access report is defined (cron helper, scope with the live count
// of endpoints), run on demand with live status, opened (charts, tables, signature checked in the
// browser) and downloaded; the downloaded archive verifies with `openssl dgst` and `sha256sum -c`,
// and a changed byte makes openssl refuse it. Screenshots in light and dark go to
// test-artifacts/screenshots/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium, screenshot } from './support/browser.js';
import { enrollmentTokenOf, startStack, type Stack } from './support/stack.js';

async function nav(page: Page, section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
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

const FELIX = `apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: prod-wireguard
  annotations:
    palisade.io/applies-as: default
    palisade.io/cluster-selector: env == "prod"
spec:
  logSeverityScreen: Info
`;

const minuteInput = (d: Date) => d.toISOString().slice(0, 16);

if (!chromiumAvailable()) {
  describe('recommendations and compliance in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('recommendations and compliance pages against the real stack', () => {
    let stack: Stack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let downloads: string;
    /** When shop connected: its inventory (and so its inventory history) starts about then. */
    let connectedAt = 0;
    const slug = 'evidence-org';

    beforeAll(async () => {
      stack = await startStack();
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      downloads = mkdtempSync(join(tmpdir(), 'palisade-e2e-evidence-'));
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await screenshot(page, `failed-evidence-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
      if (downloads) rmSync(downloads, { recursive: true, force: true });
    });

    it('signs in, creates an organisation and connects the labelled shop cluster', async () => {
      await page.goto(`${stack.origin}/`);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
      await page.locator('input[name=email]').fill('alice@example.com');
      await page.locator('input[name=password]').fill('palisade');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Organisation name').fill('Evidence Org');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'Evidence Org' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}`);

      await nav(page, 'Clusters');
      await page.getByRole('button', { name: 'Connect cluster' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a cluster' });
      await dialog.getByLabel('Cluster name').fill('shop');
      // Accepting targets the staged policy at the cluster by its labels.
      await dialog.getByLabel('Labels').fill('env=prod');
      await dialog.getByRole('button', { name: 'Register cluster' }).click();
      const command = (await dialog.getByLabel('Install command').textContent()) ?? '';
      stack.startAgent('shop', await enrollmentTokenOf(command));
      await dialog
        .getByText('shop is connected.')
        .waitFor({ timeout: 60_000 })
        .catch((err: unknown) => {
          throw new Error(`shop did not connect: ${String(err)}\n${stack.logs()}`);
        });
      connectedAt = Date.now();
      await dialog.getByRole('button', { name: 'Close' }).click();
    });

    it('builds recommendations from the stored flows and shows each rule with its flows', async () => {
      await nav(page, 'Recommendations');
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}/recommendations`);
      await page.getByRole('heading', { name: 'No open recommendation' }).waitFor();
      await screenshots(page, 'recommendations-01-empty');
      // The simulated cluster closes a 15-second bucket, the gateway stores it; refresh until the
      // recommendations of its namespaces are built.
      const backend = page
        .getByRole('list', { name: 'Recommendations' })
        .getByRole('button', { name: /^backend/ });
      const deadline = Date.now() + 120_000;
      while ((await backend.count()) === 0) {
        if (Date.now() > deadline) throw new Error(`no recommendation was built:\n${stack.logs()}`);
        await page.getByRole('button', { name: 'Refresh now' }).first().click();
        await page.waitForTimeout(3_000);
      }
      await backend.click();
      const detail = page.getByRole('region', { name: 'Recommendation for shop/backend' });
      await detail.getByText('Recommended', { exact: true }).waitFor();
      const rules = detail.getByRole('list', { name: 'Recommended rules' });
      await rules.waitFor();
      expect(await rules.locator('> li').count()).toBeGreaterThan(1);
      // Every rule built from flows names them; the DNS rule says it is always there.
      const flows = await rules.getByRole('list', { name: 'Flows behind this rule' }).allTextContents();
      expect(flows.some((f) => f.includes('backend/'))).toBe(true);
      expect(await rules.textContent()).toContain('DNS to kube-system, always allowed');
      await screenshots(page, 'recommendations-02-rules');
      await detail.getByRole('tab', { name: 'YAML' }).click();
      await detail.getByText('kind: StagedNetworkPolicy').waitFor();
      expect(await detail.textContent()).toContain('namespace-isolation.backend');
      // Once the code editor has loaded, its long annotation lines scroll inside the card.
      await detail.locator('.cm-editor').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await screenshots(page, 'recommendations-03-yaml');
    });

    it('previews a recommendation: enforcing it denies none of the flows it was built from', async () => {
      const detail = page.getByRole('region', { name: 'Recommendation for shop/backend' });
      await detail.getByRole('button', { name: 'Preview' }).click();
      const dialog = page.getByRole('dialog', { name: 'Preview enforcing the backend recommendation' });
      const summary = dialog.getByTestId('preview-summary');
      await summary.waitFor({ timeout: 60_000 });
      const text = (await summary.textContent()) ?? '';
      expect(text).toMatch(/flows? replayed/);
      expect(text).toContain(': 0 newly denied');
      await screenshots(page, 'recommendations-04-preview');
      await dialog.getByRole('button', { name: 'Close' }).last().click();
    });

    it('accepts a recommendation, which appears on the policy board as a staged policy', async () => {
      const detail = page.getByRole('region', { name: 'Recommendation for shop/backend' });
      await detail.getByRole('button', { name: 'Accept as staged policy' }).click();
      await page.getByText('Accepted: staged policy for backend is on the board').waitFor();
      await detail.getByText('Accepted (staged)', { exact: true }).waitFor();
      await detail.getByRole('button', { name: 'Enforce…' }).waitFor();
      await screenshots(page, 'recommendations-05-accepted');

      await detail.getByRole('link', { name: 'See it on the board' }).click();
      const card = page.locator(
        '[data-tier="namespace-isolation"] [data-policy="namespace-isolation.backend"]',
      );
      await card.getByText('staged').waitFor();
      expect(await card.textContent()).toMatch(/env == ["']prod["']/);
      await screenshot(page, 'recommendations-06-board-staged');
    });

    it('defines a network-access report with the cron helper and the live count of endpoints in scope', async () => {
      await nav(page, 'Compliance');
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}/compliance`);
      await page.getByRole('heading', { name: 'No compliance reports yet' }).waitFor();
      await screenshots(page, 'compliance-01-empty');
      await page.getByRole('button', { name: 'New report' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New report' });
      await dialog.getByLabel('Name', { exact: true }).fill('shop-access');
      await dialog.getByLabel('Report type').selectOption('NETWORK_ACCESS');

      await dialog.getByLabel('Cron schedule (UTC)').fill('0 0 * *');
      await dialog.getByText('A schedule has five fields').waitFor();
      await dialog.getByLabel('Preset').selectOption({ label: 'Every hour' });
      expect(await dialog.getByLabel('Cron schedule (UTC)').inputValue()).toBe('0 * * * *');
      const next = dialog.getByRole('list', { name: 'Next runs' }).locator('li');
      await next.first().waitFor();
      expect(await next.count()).toBe(5);
      expect(await next.first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:00 UTC$/);

      const count = dialog.getByTestId('scope-count');
      await count.getByText(/endpoints? in scope now .* on 1 cluster — shop: \d+\.$/).waitFor();
      const all = Number(/^(\d+)/.exec((await count.textContent()) ?? '')?.[1]);
      expect(all).toBeGreaterThan(0);
      await dialog.getByLabel('Namespaces', { exact: true }).fill('backend, frontend');
      await count.getByText(/\(2 namespaces,/).waitFor();
      const narrowed = Number(/^(\d+)/.exec((await count.textContent()) ?? '')?.[1]);
      expect(narrowed).toBeGreaterThan(0);
      expect(narrowed).toBeLessThan(all);
      await dialog.getByLabel('Endpoint selector').fill('app ==');
      await dialog.getByLabel('Endpoint selector').and(dialog.locator('[aria-invalid="true"]')).waitFor();
      expect(await dialog.getByRole('button', { name: 'Create report' }).isDisabled()).toBe(true);
      await dialog.getByLabel('Endpoint selector').fill('');
      await dialog.getByLabel('Cluster selector').fill("env == 'prod'");
      await count
        .getByText(new RegExp(`^${narrowed} endpoints in scope now .* on 1 cluster — shop: ${narrowed}\\.$`))
        .waitFor();
      await count.scrollIntoViewIfNeeded();
      await screenshots(page, 'compliance-02-editor');
      await dialog.getByRole('button', { name: 'Create report' }).click();
      await page.getByRole('heading', { name: 'shop-access', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}/compliance/shop-access`);
      await page.getByRole('region', { name: 'Next runs' }).locator('li').first().waitFor();
    });

    it('runs it on demand and shows the run’s status live until it succeeds', async () => {
      await page.getByRole('button', { name: 'Run now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run shop-access now' });
      // A report covers the inventory as it was during its interval (decision 0151): the interval must
      // end after shop's inventory arrived, so wait for the first whole minute after that.
      const minute = () => Math.floor(Date.now() / 60_000) * 60_000;
      while (minute() < connectedAt + 5_000) await page.waitForTimeout(1_000);
      const end = new Date(minute());
      await dialog.getByLabel('From (UTC)').fill(minuteInput(new Date(end.getTime() - 30 * 60_000)));
      await dialog.getByLabel('To (UTC)').fill(minuteInput(end));
      await dialog.getByRole('button', { name: 'Start run' }).click();
      await page.getByText('Run queued').waitFor();
      const row = page.locator('tr[data-run-id]').first();
      await row.waitFor();
      // No reload: the page follows the run through the reportRunChanged subscription.
      await row
        .locator('[data-status="Succeeded"]')
        .waitFor({ timeout: 120_000 })
        .catch(async (err: unknown) => {
          throw new Error(
            `the run did not succeed (${await row.textContent()}): ${String(err)}\n${stack.logs()}`,
          );
        });
      expect(await row.textContent()).toContain('On demand by');
      await screenshots(page, 'compliance-03-runs');
      await nav(page, 'Compliance');
      const listed = page.getByRole('row', { name: /shop-access/ });
      await listed.locator('[data-status="Succeeded"]').waitFor();
      expect(await listed.textContent()).toContain('Network access');
      await screenshots(page, 'compliance-04-definitions');
      await listed.getByRole('link', { name: 'shop-access' }).click();
      await page.getByRole('heading', { name: 'shop-access', level: 1 }).waitFor();
    }, 240_000);

    it('opens the report: charts, tables, files checked against the signed manifest', async () => {
      await page.locator('tr[data-run-id]').first().getByRole('button', { name: 'View report' }).click();
      const view = page.getByTestId('report-view');
      await view.getByText(/^Signature verified with pal-ev-/).waitFor({ timeout: 30_000 });
      await view.getByText('Every file matches the manifest').waitFor();
      await view.getByRole('figure', { name: 'Endpoints in scope vs protected' }).waitFor();
      await view.getByRole('figure', { name: 'Exposure' }).waitFor();
      expect(
        await view
          .getByRole('table', { name: /^Endpoints \(\d+/ })
          .locator('tbody tr')
          .count(),
      ).toBeGreaterThan(0);
      const files = await view
        .getByRole('table', { name: 'Files in the archive' })
        .locator('tbody tr td:first-child')
        .allTextContents();
      // Calico's network-access files, the whole result, the PDF and the signed manifest.
      for (const f of [
        'summary.csv',
        'endpoints.csv',
        'report.json',
        'report.pdf',
        'SHA256SUMS',
        'manifest.json',
        'manifest.sig',
      ])
        expect(files).toContain(f);
      const commands = (await view.getByLabel('Verification commands').textContent()) ?? '';
      expect(commands).toContain(
        'openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json',
      );
      expect(commands).toContain('sha256sum -c SHA256SUMS');
      await screenshots(page, 'compliance-05-report');
    });

    it('downloads the evidence, which verifies with openssl and sha256sum, and a changed byte does not', async () => {
      const view = page.getByTestId('report-view');
      const [zip] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download evidence (zip)' }).click(),
      ]);
      const zipPath = join(downloads, zip.suggestedFilename());
      await zip.saveAs(zipPath);
      expect(zip.suggestedFilename()).toMatch(/\.zip$/);
      const [key] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download key.pem' }).click(),
      ]);
      const dir = join(downloads, 'evidence');
      execFileSync('unzip', ['-q', zipPath, '-d', dir]);
      await key.saveAs(join(dir, 'key.pem'));
      const [pdf] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'report.pdf' }).click(),
      ]);
      const pdfPath = join(downloads, 'report.pdf');
      await pdf.saveAs(pdfPath);
      expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'endpoints.csv' }).click(),
      ]);
      const csvPath = join(downloads, 'endpoints.csv');
      await csv.saveAs(csvPath);
      expect(readFileSync(csvPath)).toEqual(readFileSync(join(dir, 'endpoints.csv')));

      const verify = () =>
        spawnSync(
          'openssl',
          ['dgst', '-sha256', '-verify', 'key.pem', '-signature', 'manifest.sig', 'manifest.json'],
          {
            cwd: dir,
            encoding: 'utf8',
          },
        );
      const ok = verify();
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout.trim()).toBe('Verified OK');
      const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
      expect(sums.status, sums.stderr).toBe(0);
      expect(sums.stdout).toContain('endpoints.csv: OK');
      expect(sums.stdout).not.toContain('FAILED');

      const manifest = readFileSync(join(dir, 'manifest.json'));
      manifest[10] = manifest[10]! ^ 1;
      writeFileSync(join(dir, 'manifest.json'), manifest);
      const bad = verify();
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toContain('Verification failure');
    });

    it('edits a FelixConfiguration in the form view and saves it', async () => {
      await nav(page, 'Policies');
      await page.getByRole('button', { name: 'New policy' }).click();
      const editor = page.locator('.cm-content');
      await editor.waitFor();
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(FELIX);
      await page.getByRole('tab', { name: 'Form' }).click();
      const form = page.getByRole('form', { name: 'FelixConfiguration settings' });
      await form.getByLabel('WireGuard (IPv4)').selectOption('true');
      await form.getByLabel('WireGuard MTU').fill('20');
      await form.getByText(/from 68 to 65535/).waitFor();
      await form.getByLabel('WireGuard MTU').fill('1420');
      await form.getByLabel('nftables mode').selectOption('Auto');
      expect(await form.getByRole('note').textContent()).toContain('logSeverityScreen');
      await screenshots(page, 'felix-01-form');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.waitForFunction(() =>
        document.querySelector('.cm-content')?.textContent?.includes('wireguardMTU: 1420'),
      );
      const yaml = (await page.locator('.cm-content').textContent()) ?? '';
      expect(yaml).toContain('wireguardEnabled: true');
      expect(yaml).toContain('nftablesMode: Auto');
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review new policy' })
        .getByRole('button', { name: 'Save' })
        .click();
      await page.getByRole('heading', { name: /prod-wireguard/ }).waitFor();
    });
  });
}
