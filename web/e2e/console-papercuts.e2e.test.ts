// What a new user tripped over (issue 16, item 8), the audit log (item 6) and the dashboard (item
// 7), in headless Chromium against the real stack: the served console is React's production
// build; the connect wizard offers the agent command; the endpoint list pages past 50; tiers are
// created and edited from the board; the Form tab edits rules and shows what the selectors select
// per cluster (an empty selector says it selects everything); the board tells a disconnected
// cluster apart from live in-sync ones; a long revision diff does not widen the page; rollback asks
// first; import errors say each thing once; a viewer opening /tokens is told what the role allows;
// the audit log filters in the URL, names its targets, shows diffs and exports a signed range that
// verifies offline; the dashboard shows names, plural counts and the next scheduled reports.
// Screenshots in light and dark go to test-artifacts/screenshots/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium, screenshot } from './support/browser.js';
import { enrollmentTokenOf, REPO, startStack, type Stack } from './support/stack.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const IMPORT = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: in-missing-tier
  namespace: backend
spec:
  tier: nonexistent
  selector: all()
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: typo
  namespace: backend
spec:
  selector: all()
  types:
    - Ingress
  ingress:
    - action: Allwo
`;

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

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill('palisade');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The page must not scroll sideways: nothing inside it is wider than the window. */
async function pageWidth(page: Page): Promise<{ scroll: number; window: number }> {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }));
}

if (!chromiumAvailable()) {
  describe('console papercuts in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('console papercuts, audit log and dashboard against the real stack', () => {
    let stack: Stack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const consoleMessages: string[] = [];
    const slug = 'papercuts-org';
    const work = mkdtempSync(join(tmpdir(), 'palisade-papercuts-'));

    beforeAll(async () => {
      stack = await startStack();
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('console', (m) => consoleMessages.push(m.text()));
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await screenshot(page, `failed-papercuts-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
      rmSync(work, { recursive: true, force: true });
    });

    async function register(name: string, labels: string): Promise<Locator> {
      await nav(page, 'Clusters');
      await page.getByRole('button', { name: 'Connect cluster' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a cluster' });
      await dialog.getByLabel('Cluster name').fill(name);
      if (labels) await dialog.getByLabel('Labels').fill(labels);
      await dialog.getByRole('button', { name: 'Register cluster' }).click();
      await dialog.getByLabel('Install command').waitFor();
      return dialog;
    }

    async function waitConnected(dialog: Locator, name: string): Promise<void> {
      await dialog
        .getByText(`${name} is connected.`)
        .waitFor({ timeout: 90_000 })
        .catch((err: unknown) => {
          throw new Error(`${name} did not connect: ${String(err)}\n${stack.logs()}`);
        });
    }

    it('serves React’s production build, whatever NODE_ENV the build ran under', async () => {
      const html = await (await fetch(`${stack.origin}/`)).text();
      const entry = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(entry, html).toBeDefined();
      const served = await (await fetch(`${stack.origin}${entry!}`)).text();
      // Every chunk the API serves (the entry and the lazily loaded pages) comes from web/dist.
      const assets = join(REPO, 'web', 'dist', 'assets');
      const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
      expect(chunks.length).toBeGreaterThan(5);
      for (const text of [served, ...chunks.map((f) => readFileSync(join(assets, f), 'utf8'))]) {
        expect(text).not.toContain('jsx-dev-runtime');
        expect(text).not.toContain('jsxDEV');
        expect(text).not.toContain('Download the React DevTools');
      }
      await signIn(page, stack.origin, 'alice@example.com');
      await page.getByLabel('Organisation name').fill('Papercuts Org');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'Papercuts Org' }).waitFor();
      expect(consoleMessages.filter((m) => m.includes('React DevTools'))).toEqual([]);
    });

    it('the connect wizard offers the agent command, and the cluster connects with it', async () => {
      const dialog = await register('shop', 'env=prod');
      await dialog.getByRole('tab', { name: 'Agent command' }).click();
      const command = (await dialog.getByLabel('Agent command (simulated cluster)').textContent()) ?? '';
      expect(command).toMatch(
        /^npm run agent -- --simulate agent\/examples\/shop\.yaml --token pen_\S+ --gateway \S+$/,
      );
      const token = /--token (pen_\S+)/.exec(command)?.[1];
      expect(/--gateway (\S+)/.exec(command)?.[1]).toBe(stack.gatewayUrl);
      expect(await dialog.getByLabel('Agent command (kubeconfig)').textContent()).toContain(
        '--kubernetes --kubeconfig ~/.kube/config',
      );
      await screenshots(page, 'p01-connect-wizard-agent-command');
      stack.startAgent('shop', token!);
      await waitConnected(dialog, 'shop');
      await dialog.getByRole('button', { name: 'Close' }).click();

      // The 2,000-pod cluster through the kubectl install command, and one that never connects.
      const staging = await register('staging', 'env=staging');
      stack.startAgent(
        'large',
        await enrollmentTokenOf((await staging.getByLabel('Install command').textContent()) ?? ''),
      );
      await waitConnected(staging, 'staging');
      await staging.getByRole('button', { name: 'Close' }).click();
      const old = await register('old', 'env=prod');
      await old.getByRole('button', { name: 'Close' }).click();
      await page.locator('tr[data-cluster="old"]').waitFor();
    });

    it('pages the endpoint list past 50', async () => {
      await page.getByRole('link', { name: 'staging' }).click();
      await page.getByRole('heading', { name: 'staging', level: 1 }).waitFor();
      const table = page.getByRole('table', { name: /^2,000 endpoints \(50 shown\)$/ });
      await table.waitFor({ timeout: 60_000 });
      expect(await table.locator('tbody tr').count()).toBe(50);
      await page.getByRole('button', { name: 'Show 50 more' }).click();
      const more = page.getByRole('table', { name: /^2,000 endpoints \(100 shown\)$/ });
      await more.waitFor();
      const names = await more.locator('tbody tr td:first-child').allTextContents();
      expect(names.length).toBe(100);
      expect(new Set(names.map((n, i) => `${n}@${i}`)).size).toBe(100);
      await screenshots(page, 'p02-endpoints-paged');
    });

    it('creates and edits a tier from the board', async () => {
      await nav(page, 'Policies');
      await page.getByRole('region', { name: 'Policy board' }).waitFor();
      await page.getByRole('button', { name: 'New tier' }).click();
      let dialog = page.getByRole('dialog', { name: 'New tier' });
      await dialog.getByLabel('Tier name').fill('Security Team');
      await dialog.getByLabel('Tier order').fill('100');
      await dialog.getByRole('button', { name: 'Create tier' }).click();
      await dialog.getByText(/^metadata\.name: /).waitFor();
      await dialog.getByLabel('Tier name').fill('security');
      await dialog.getByLabel('Default action').selectOption('Pass');
      await screenshots(page, 'p03-new-tier');
      await dialog.getByRole('button', { name: 'Create tier' }).click();
      await page.getByText('Tier security created').waitFor();
      const column = page.locator('[data-tier="security"]');
      await column.getByText('then Pass').waitFor();
      expect(await column.textContent()).toContain('order 100');
      await column.getByRole('button', { name: 'Edit tier security' }).click();
      dialog = page.getByRole('dialog', { name: 'Edit tier security' });
      await dialog.getByLabel('Tier order').fill('200');
      await dialog.getByLabel('Default action').selectOption('Deny');
      await dialog.getByRole('button', { name: 'Save tier' }).click();
      await page.getByText('Tier security saved').waitFor();
      await column.getByText('then Deny').waitFor();
      await column.getByText('order 200').waitFor();
      await screenshots(page, 'p04-board-with-tier');
    });

    it('the Form tab edits rules and shows per cluster what the selectors select now', async () => {
      await page.getByRole('button', { name: 'New policy' }).click();
      // The template uses a namespace and workloads the demo clusters have.
      await page.getByTestId('validation').getByText('Valid').waitFor();
      expect(await page.locator('.cm-content').textContent()).toContain('namespace: backend');
      await page.getByRole('tab', { name: 'Form' }).click();
      const form = page.getByRole('form', { name: 'Policy fields' });
      await form.getByLabel('Name', { exact: true }).fill('api-ingress');
      await form.getByLabel('Cluster selector').fill('env == "prod"');
      const selected = page.getByRole('region', { name: 'Selected endpoints' });
      // shop runs 4 api pods in backend; old matches env == "prod" but has reported no inventory.
      await selected
        .locator('[data-selection-cluster="shop"] [data-selected="4"]')
        .waitFor({ timeout: 30_000 });
      await selected.locator('[data-selection-cluster="old"] [data-selected="0"]').waitFor();
      expect(await selected.locator('[data-selection-cluster="staging"]').count()).toBe(0);
      // An empty selector says, in words, that it selects every endpoint of the namespace.
      await form.getByLabel('Endpoint selector').fill('');
      await page
        .getByTestId('selection-sentence')
        .getByText('No endpoint selector: this policy applies to every endpoint in namespace backend.')
        .waitFor();
      await selected.locator('[data-selection-cluster="shop"] [data-selected="8"]').waitFor();
      await form.getByLabel('Endpoint selector').fill('app == "api"');
      await selected.locator('[data-selection-cluster="shop"] [data-selected="4"]').waitFor();

      const ingress = page.getByRole('group', { name: 'Ingress rules' });
      await ingress.getByLabel('Ingress rule 1 destination ports').fill('8000, 9000');
      await ingress.getByText('HTTP', { exact: true }).click();
      await ingress.getByLabel('Ingress rule 1 HTTP methods').fill('GET, POST');
      await page.getByRole('checkbox', { name: 'Egress' }).check();
      const egress = page.getByRole('group', { name: 'Egress rules' });
      await egress.getByRole('button', { name: 'Add egress rule' }).click();
      await egress.getByLabel('Egress rule 1 action').selectOption('Deny');
      await egress.getByText('Destination — any (no condition)').click();
      await egress.getByLabel('Egress rule 1 destination nets').fill('203.0.113.0/24');
      await screenshots(page, 'p05-policy-form-rules');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.getByTestId('validation').getByText('Valid').waitFor();
      const yaml = (await page.locator('.cm-content').textContent()) ?? '';
      expect(yaml).toContain('- 9000');
      expect(yaml).toContain('- GET');
      expect(yaml).toContain('- action: Deny');
      expect(yaml).toContain('- 203.0.113.0/24');
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review new policy' })
        .getByRole('button', { name: 'Save' })
        .click();
      await page.getByRole('heading', { name: 'backend/api-ingress' }).waitFor();
    });

    it('a long revision diff does not widen the page, and rollback asks first', async () => {
      await page.getByRole('tab', { name: 'Form' }).click();
      const ingress = page.getByRole('group', { name: 'Ingress rules' });
      await ingress.getByText('Metadata', { exact: true }).click();
      await ingress
        .getByLabel('Ingress rule 1 annotations')
        .fill(`note=${'allow the api its callers '.repeat(12)}`);
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review changes' })
        .getByRole('button', { name: 'Save' })
        .click();
      const revisions = page.getByRole('list', { name: 'Revisions' });
      await revisions.getByText('Revision 2').waitFor();
      await revisions.getByRole('button', { name: 'Revision 2' }).click();
      await revisions.locator('.ui-diff__line--add').filter({ hasText: 'note' }).waitFor();
      const width = await pageWidth(page);
      expect(width.scroll).toBeLessThanOrEqual(width.window);
      await screenshots(page, 'p06-long-revision-diff');

      await revisions.getByRole('button', { name: 'Roll back to 1' }).click();
      const confirm = page.getByRole('dialog', { name: 'Roll back to revision 1?' });
      await confirm.locator('.ui-diff__line--del').filter({ hasText: 'note' }).waitFor();
      await screenshots(page, 'p07-rollback-confirmation');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForTimeout(500);
      expect(await revisions.getByText('Revision 3').count()).toBe(0);
      await revisions.getByRole('button', { name: 'Roll back to 1' }).click();
      await page
        .getByRole('dialog', { name: 'Roll back to revision 1?' })
        .getByRole('button', { name: 'Roll back' })
        .click();
      await page.getByText('Rolled back to revision 1 (now 3)').waitFor();
    });

    it('the board separates a disconnected cluster from live in-sync ones', async () => {
      await page.getByRole('link', { name: '← Policy board' }).click();
      const card = page.locator('[data-tier="default"] [data-policy="api-ingress"]');
      await card.getByText('In sync').waitFor({ timeout: 60_000 });
      expect(await card.getByText('In sync').getAttribute('title')).toBe('shop: IN_SYNC');
      await card.locator('[data-disconnected="1"]').getByText('1 cluster disconnected').waitFor();
      expect(await card.textContent()).not.toMatch(/Disconnected(?! )/);
      await screenshots(page, 'p08-board-live-and-disconnected');
    });

    it('import errors say the path and the line once, and never show "?" as the resource', async () => {
      await page.getByRole('button', { name: 'Import YAML…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import YAML' });
      await dialog.getByLabel('YAML file').setInputFiles({
        name: 'broken.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from(IMPORT),
      });
      const table = dialog.getByRole('table', { name: 'broken.yaml: 2 resources' });
      await table.waitFor();
      const resources = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(resources[0]).toBe('NetworkPolicy backend/in-missing-tier');
      expect(resources[1]).toBe('document 2 (from line 10)');
      expect(resources.some((r) => r.includes('?'))).toBe(false);
      for (const issue of await table.locator('.validation-list li').allTextContents()) {
        const path = /: (spec\.[\w.[\]]+):/.exec(issue)?.[1];
        expect(path, issue).toBeDefined();
        expect(issue.split(path!).length - 1, issue).toBe(1);
        expect(issue).not.toMatch(/\(line \d+/);
        expect(issue).toMatch(/^Line \d+/);
      }
      await screenshots(page, 'p09-import-errors');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    it('a viewer opening /tokens or /audit is told what the role allows', async () => {
      await nav(page, 'Members');
      await page.getByLabel('Email').fill('bob@example.com');
      await page.getByLabel('Role').selectOption('VIEWER');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText('Invitation sent to bob@example.com').waitFor();
      const bobContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const bob = await bobContext.newPage();
      bob.setDefaultTimeout(20_000);
      try {
        await signIn(bob, stack.origin, 'bob@example.com');
        await bob.getByRole('region', { name: 'Invitations' }).getByRole('button', { name: 'Join' }).click();
        await bob.getByRole('heading', { name: 'Papercuts Org' }).waitFor();
        await bob.goto(`${stack.origin}/o/${slug}/tokens`);
        await bob.getByRole('heading', { name: 'API tokens are not available to your role' }).waitFor();
        const allows = bob.getByRole('list', { name: 'What Viewer may do' });
        expect(await allows.textContent()).toContain('see clusters and their inventory');
        expect(await bob.getByText('Something went wrong').count()).toBe(0);
        expect(
          await bob.getByText(/ask an owner or admin for one of these roles: Owner, Admin\./).count(),
        ).toBe(1);
        await screenshots(bob, 'p10-viewer-tokens');
        await bob.goto(`${stack.origin}/o/${slug}/audit`);
        await bob.getByRole('heading', { name: 'Audit log is not available to your role' }).waitFor();
      } finally {
        await bobContext.close();
      }
    });

    it('audit log: filters in the URL, targets by name, diffs, a verified chain and a signed export', async () => {
      await nav(page, 'Audit log');
      await page.getByText(/^Chain verified · \d+ events$/).waitFor();
      await page.locator('[data-action]').first().waitFor();
      const targets = await page.locator('[data-action] [data-target]').allTextContents();
      expect(targets.length).toBeGreaterThan(5);
      for (const t of targets) expect(t, t).not.toMatch(UUID);
      expect(targets).toContain('cluster shop');
      expect(targets).toContain('policy NetworkPolicy/backend/api-ingress');
      await screenshots(page, 'p11-audit-log');

      await page.getByLabel('Resource type').selectOption('cluster');
      await page.getByLabel('Actor').fill('alice@example.com');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((u) => u.searchParams.get('targetType') === 'cluster');
      expect(new URL(page.url()).searchParams.get('actor')).toBe('alice@example.com');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-action]')].every((e) =>
          e.getAttribute('data-action')?.startsWith('cluster.'),
        ),
      );
      // The filters survive a reload: they are the URL.
      await page.reload();
      expect(await page.getByLabel('Resource type').inputValue()).toBe('cluster');
      const register = page.locator('[data-action="cluster.register"]').first();
      await register.getByRole('button', { name: /^Details of event/ }).click();
      await register.locator('.ui-diff__line--add').first().waitFor();
      await screenshots(page, 'p12-audit-filtered-diff');

      await page.getByLabel('From', { exact: true }).fill('2099-01-01T00:00');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByRole('heading', { name: 'No event matches these filters' }).waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.waitForURL((u) => u.search === '');

      await page.getByRole('button', { name: 'Export signed range…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Export the audit log' });
      await dialog.getByLabel('Export to').fill('2099-01-01T00:00');
      await dialog.getByRole('button', { name: 'Export and download' }).click();
      await dialog.getByText('The range cannot end in the future.').waitFor();
      await dialog.getByLabel('Export to').fill('');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('button', { name: 'Export and download' }).click(),
      ]);
      const result = dialog.getByTestId('audit-export-result');
      await result.waitFor();
      const zip = join(work, 'audit.zip');
      await download.saveAs(zip);
      const dir = join(work, 'audit');
      execFileSync('unzip', ['-q', zip, '-d', dir]);
      const pem = (await dialog.getByLabel('Public key').textContent()) ?? '';
      writeFileSync(join(dir, 'key.pem'), `${pem.trim()}\n`);
      const verified = execFileSync(
        'openssl',
        ['dgst', '-sha256', '-verify', 'key.pem', '-signature', 'manifest.sig', 'manifest.json'],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(verified.trim()).toBe('Verified OK');
      execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
      execFileSync(process.execPath, [join(REPO, 'scripts', 'verify-audit-export.mjs'), dir], {
        encoding: 'utf8',
      });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        subject: { events: number };
      };
      expect(await result.textContent()).toContain(`${manifest.subject.events} events`);
      await screenshots(page, 'p13-audit-export');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await page.locator('[data-action="audit_log.export"]').first().waitFor();
    });

    it('dashboard: fleet figures with names and plural counts, and the next scheduled reports', async () => {
      // A report definition through the API, as automation would create one.
      const created = await page.evaluate(async (orgSlug) => {
        const csrf = /(?:^|; )pal_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
        const r = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-palisade-csrf': decodeURIComponent(csrf) },
          body: JSON.stringify({
            query:
              'mutation($input: CreateReportDefinitionInput!) { createReportDefinition(input: $input) { name } }',
            variables: {
              input: { orgSlug, name: 'hourly-inventory', type: 'INVENTORY', schedule: '0 * * * *' },
            },
          }),
        });
        return (await r.json()) as unknown;
      }, slug);
      expect(JSON.stringify(created)).toContain('hourly-inventory');
      await nav(page, 'Dashboard');
      await page.locator('[data-stat="connected"]').getByText('2').waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-stat="connected"]').locator('..').textContent()).toContain(
        'clusters connected',
      );
      await page.locator('[data-report="hourly-inventory"]').waitFor();
      expect(await page.locator('[data-report="hourly-inventory"]').textContent()).toContain('0 * * * *');
      await page.getByRole('region', { name: 'Recent changes' }).locator('[data-target]').first().waitFor();
      for (const t of await page
        .getByRole('region', { name: 'Recent changes' })
        .locator('[data-target]')
        .allTextContents())
        expect(t, t).not.toMatch(UUID);
      // Each figure's noun agrees with it: "1 policy", "3 policies", "2 clusters".
      const figures = await page
        .locator('.stat')
        .evaluateAll((els) =>
          els.map((e) => [e.textContent ?? '', e.nextElementSibling?.textContent ?? ''] as const),
        );
      expect(figures.length).toBeGreaterThan(3);
      for (const [n, label] of figures) {
        const noun = /^(policy|policies|cluster|clusters)\b/.exec(label)?.[1];
        if (!noun) continue;
        expect(noun.endsWith('s') || noun === 'policies', `${n} ${label}`).toBe(Number(n) !== 1);
      }
      await page.locator('#denied-by-cluster').waitFor();
      expect(
        await page.locator('[aria-labelledby="denied-by-cluster"] [data-cluster]').allTextContents(),
      ).toEqual(
        expect.arrayContaining([expect.stringContaining('shop'), expect.stringContaining('staging')]),
      );
      await screenshots(page, 'p14-dashboard');
    });
  });
}
