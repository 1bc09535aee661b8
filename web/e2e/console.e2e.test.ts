// The console in headless Chromium against the real stack: sign in through the OIDC login form,
// create an organisation, connect a simulated cluster and watch it turn green, browse its
// inventory, write a policy (a validation error first, then the fix), reorder and roll back on the
// board, invite a member, create and revoke a token, and find every change with its diff in the
// audit log. A screenshot of each page goes to test-artifacts/screenshots/.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium, screenshot } from './support/browser.js';
import { enrollmentTokenOf, startStack, type Stack } from './support/stack.js';

const POLICY = (name: string, order: number, action: string) => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: frontend
spec:
  tier: default
  order: ${order}
  selector: app == "storefront"
  types:
    - Ingress
  ingress:
    - action: ${action}
      protocol: TCP
      destination:
        ports:
          - 8080
`;

const STAGED = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: stage-egress
  namespace: frontend
spec:
  stagedAction: Set
  tier: default
  order: 250
  selector: app == "storefront"
  types:
    - Egress
  egress:
    - action: Allow
`;

const NETWORK_SET = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: partners
  labels:
    role: partner
spec:
  nets:
    - 203.0.113.0/24
`;

async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.cm-content');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

async function nav(page: Page, section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

if (!chromiumAvailable()) {
  describe('console in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('console in Chromium against the real stack', () => {
    let stack: Stack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let agent: ChildProcess | undefined;
    const slug = 'e2e-org';

    beforeAll(async () => {
      stack = await startStack();
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    it('signs in through the identity provider’s login form', async () => {
      await page.goto(`${stack.origin}/`);
      const signIn = page.getByRole('link', { name: 'Sign in with your identity provider' });
      await signIn.waitFor();
      await screenshot(page, '01-sign-in');
      await signIn.click();
      await page.locator('input[name=email]').fill('alice@example.com');
      await page.locator('input[name=password]').fill('palisade');
      await screenshot(page, '02-identity-provider-login');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome to Palisade' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/new-org');
      const cookies = await context.cookies(stack.origin);
      expect(cookies.find((c) => c.name === 'pal_session')?.httpOnly).toBe(true);
      expect(cookies.find((c) => c.name === 'pal_csrf')?.httpOnly).toBe(false);
    });

    it('creates an organisation and lands on its dashboard', async () => {
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByText('Enter a name.').waitFor();
      await page.getByLabel('Organisation name').fill('E2E Org');
      expect(await page.getByLabel('URL name').inputValue()).toBe(slug);
      await screenshot(page, '03-create-organisation');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'E2E Org' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}`);
      await page.getByText('Connect your first cluster').waitFor();
      await screenshot(page, '04-dashboard-empty');
    });

    it('registers a cluster, shows the install command and turns green when the agent connects', async () => {
      await nav(page, 'Clusters');
      await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
      await screenshot(page, '05-clusters-empty');
      await page.getByRole('button', { name: 'Connect cluster' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a cluster' });
      await dialog.getByLabel('Cluster name').fill('shop');
      await dialog.getByLabel('Labels').fill('env=prod, region=eu');
      await dialog.getByRole('button', { name: 'Register cluster' }).click();
      const command = (await dialog.getByLabel('Install command').textContent()) ?? '';
      // The command's URL holds a single-use install code, not the token (decision 0059); the token
      // is in the manifest's Secret, as kubectl would apply it.
      expect(command).not.toContain('pen_');
      const token = await enrollmentTokenOf(command);
      await dialog.getByText('Waiting for the agent to connect…').waitFor();
      await screenshot(page, '06-connect-wizard-waiting');
      agent = stack.startAgent('shop', token);
      await dialog
        .getByText('shop is connected.')
        .waitFor({ timeout: 60_000 })
        .catch((err: unknown) => {
          throw new Error(`the cluster did not connect: ${String(err)}\n${stack.logs()}`);
        });
      expect(await dialog.locator('[data-status]').textContent()).toBe('Connected');
      await screenshot(page, '07-connect-wizard-connected');
      await dialog.getByRole('button', { name: 'Close' }).click();
      const row = page.locator('tr[data-cluster="shop"]');
      await row.getByText('Connected').waitFor();
      expect(await row.textContent()).toContain('env=prod');
      await screenshot(page, '08-clusters');
    });

    it('shows the cluster’s inventory, searchable with a label selector', async () => {
      await page.getByRole('link', { name: 'shop' }).click();
      await page.getByRole('heading', { name: 'shop', level: 1 }).waitFor();
      await page.getByRole('table', { name: /endpoints/ }).waitFor({ timeout: 30_000 });
      await page.getByLabel('Label selector').fill('app == ');
      await page.getByText(/invalid selector at position/).waitFor();
      await page.getByLabel('Label selector').fill('app == "storefront"');
      await page.getByRole('table', { name: /^3 endpoints/ }).waitFor();
      const names = await page.locator('table tbody tr td:first-child').allTextContents();
      expect(names.length).toBe(3);
      expect(names.every((n) => n.startsWith('storefront'))).toBe(true);
      await screenshot(page, '09-cluster-detail-endpoints');
      await page.getByRole('tab', { name: 'Namespaces' }).click();
      await page
        .getByRole('table', { name: /namespaces/ })
        .getByRole('cell', { name: 'frontend', exact: true })
        .waitFor();
      await screenshot(page, '10-cluster-detail-namespaces');
    });

    it('edits the cluster’s labels', async () => {
      await page.getByRole('button', { name: 'Edit labels' }).click();
      const dialog = page.getByRole('dialog', { name: 'Labels of shop' });
      await dialog.getByLabel('Labels').fill('env=prod, region=us, bad key=1');
      await dialog.getByText('"bad key" is not a valid label key.').waitFor();
      await dialog.getByLabel('Labels').fill('env=prod, region=us');
      await dialog.getByRole('button', { name: 'Save labels' }).click();
      await page.getByText('Labels of shop saved').waitFor();
      await page.locator('dl.props').getByText('region=us').waitFor();
    });

    it('writes a policy: a validation error at its line first, then the fix, reviewed as a diff', async () => {
      await nav(page, 'Policies');
      await page.getByRole('region', { name: 'Policy board' }).waitFor();
      await page.getByRole('button', { name: 'New policy' }).click();
      await setEditorText(page, POLICY('allow-storefront', 100, 'Allwo'));
      const problem = page.getByTestId('validation').getByRole('listitem').first();
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(/^Line 13, column \d+: spec\.ingress\[0\]\.action: /);
      expect(await page.locator('.cm-error-line').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Review and save' }).isDisabled()).toBe(true);
      await screenshot(page, '11-policy-editor-validation-error');
      await setEditorText(page, POLICY('allow-storefront', 100, 'Allow'));
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      const review = page.getByRole('dialog', { name: 'Review new policy' });
      await review.locator('.ui-diff__line--add').first().waitFor();
      await screenshot(page, '12-policy-review-diff');
      await review.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'frontend/allow-storefront' }).waitFor();
      await page.getByRole('list', { name: 'Revisions' }).getByText('Revision 1').waitFor();

      await page.getByRole('link', { name: '← Policy board' }).click();
      await page.getByRole('button', { name: 'New policy' }).click();
      await setEditorText(page, POLICY('deny-legacy', 200, 'Deny'));
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review new policy' })
        .getByRole('button', { name: 'Save' })
        .click();
      await page.getByRole('heading', { name: 'frontend/deny-legacy' }).waitFor();
    });

    it('shows the policies on the board, IN_SYNC in the cluster, and reorders them', async () => {
      await page.getByRole('link', { name: '← Policy board' }).click();
      const tier = page.locator('[data-tier="default"]');
      const order = () =>
        tier.locator('[data-policy]').evaluateAll((els) => els.map((e) => e.getAttribute('data-policy')));
      await tier.locator('[data-policy="deny-legacy"]').waitFor();
      expect(await order()).toEqual(['allow-storefront', 'deny-legacy']);
      // The gateway pushes the new desired state, the simulated agent applies it and reports; the
      // board hears of it through the policySyncChanged subscription.
      for (const name of ['allow-storefront', 'deny-legacy']) {
        const pill = tier.locator(`[data-policy="${name}"] [data-status]`);
        await pill.getByText('In sync').waitFor({ timeout: 45_000 });
        expect(await pill.getAttribute('title')).toBe('shop: IN_SYNC');
      }
      await screenshot(page, '13-policy-board');
      await tier.getByRole('button', { name: 'frontend/deny-legacy' }).focus();
      await page.keyboard.press('Alt+ArrowUp');
      await page.getByText('Order of tier default saved').waitFor();
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-tier="default"] [data-policy]')]
            .map((e) => e.getAttribute('data-policy'))
            .join(',') === 'deny-legacy,allow-storefront',
      );
      await screenshot(page, '14-policy-board-reordered');
    });

    it('rolls a policy back to an earlier revision', async () => {
      await page
        .locator('[data-tier="default"]')
        .getByRole('button', { name: 'frontend/allow-storefront' })
        .click();
      const revisions = page.getByRole('list', { name: 'Revisions' });
      await revisions.getByText('Revision 2').waitFor();
      expect(await page.locator('.cm-content').textContent()).toContain('order: 200');
      await revisions.getByRole('button', { name: 'Revision 2' }).click();
      await revisions.locator('.ui-diff__line--add').first().waitFor();
      await screenshot(page, '15-policy-revisions');
      await page.getByLabel('On drift').selectOption('REVERT');
      await page.getByText('Drift mode saved').waitFor();
      await revisions.getByRole('button', { name: 'Roll back to 1' }).click();
      // Rollback asks first, showing what it changes.
      const confirm = page.getByRole('dialog', { name: 'Roll back to revision 1?' });
      await confirm.locator('.ui-diff__line--add').first().waitFor();
      expect(await revisions.getByText('Revision 3').count()).toBe(0);
      await confirm.getByRole('button', { name: 'Roll back' }).click();
      await page.getByText('Rolled back to revision 1 (now 3)').waitFor();
      await revisions.getByText('Revision 3').waitFor();
      await page.waitForFunction(() =>
        document.querySelector('.cm-content')?.textContent?.includes('order: 100'),
      );
      await screenshot(page, '16-policy-rolled-back');
    });

    it('writes a staged policy, adjusting it in the form view, and promotes it', async () => {
      await page.getByRole('link', { name: '← Policy board' }).click();
      await page.getByRole('button', { name: 'New policy' }).click();
      await setEditorText(page, STAGED);
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('tab', { name: 'Form' }).click();
      const form = page.getByRole('form', { name: 'Policy fields' });
      expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('stage-egress');
      await form.getByLabel('Order').fill('300');
      await form.getByLabel('Cluster selector').fill('env == "prod"');
      await screenshot(page, '17-policy-form-view');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.waitForFunction(() =>
        document.querySelector('.cm-content')?.textContent?.includes('order: 300'),
      );
      expect(await page.locator('.cm-content').textContent()).toContain(
        'palisade.io/cluster-selector: env == "prod"',
      );
      await page.getByTestId('validation').getByText('Valid').waitFor();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Review new policy' })
        .getByRole('button', { name: 'Save' })
        .click();
      await page.getByRole('heading', { name: 'frontend/stage-egress' }).waitFor();

      await page.getByRole('link', { name: '← Policy board' }).click();
      const card = page.locator('[data-tier="default"] [data-policy="stage-egress"]');
      await card.getByText('staged').waitFor();
      expect(await card.textContent()).toContain('env == "prod"');
      await screenshot(page, '18-policy-board-staged');
      await card.getByRole('button', { name: 'frontend/stage-egress' }).click();
      // Stage → preview → enforce: the promotion's impact over the last day of flows comes first.
      await page.getByRole('button', { name: 'Preview and promote' }).click();
      const promotion = page.getByRole('dialog', { name: 'Promote stage-egress?' });
      await promotion.getByText(/flows? replayed: \d+ newly denied/).waitFor();
      await promotion.getByRole('button', { name: /^Promote (to enforced|anyway)$/ }).click();
      await page.getByText('stage-egress promoted to NetworkPolicy').waitFor();
      await page.waitForURL((url) => url.searchParams.get('kind') === 'NetworkPolicy');
      await page.getByRole('heading', { name: 'frontend/stage-egress' }).waitFor();
    });

    it('exports the policies as YAML and imports a file after a dry run', async () => {
      await page.getByRole('link', { name: '← Policy board' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export YAML' }).click(),
      ]);
      const path = await download.path();
      const exported = readFileSync(path, 'utf8');
      expect(exported).toContain('name: allow-storefront');
      expect(exported).toContain('name: stage-egress');
      await page.getByRole('button', { name: 'Import YAML…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import YAML' });
      await dialog.getByLabel('YAML file').setInputFiles({
        name: 'partners.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from(NETWORK_SET),
      });
      await dialog.getByRole('table', { name: 'partners.yaml: 1 resource' }).getByText('created').waitFor();
      await screenshot(page, '19-import-dry-run');
      await dialog.getByRole('button', { name: 'Apply all' }).click();
      await page.getByText('Imported 1 resource from partners.yaml').waitFor();
      await page.getByRole('table', { name: 'Network sets' }).getByText('GlobalNetworkSet').waitFor();
    });

    it('invites a member', async () => {
      await nav(page, 'Members');
      await page.getByLabel('Email').fill('bob@example.com');
      await page.getByLabel('Role').selectOption('EDITOR');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText('Invitation sent to bob@example.com').waitFor();
      const row = page.locator('tr[data-invitation="bob@example.com"]');
      await row.getByText('pending').waitFor();
      await screenshot(page, '20-members');
    });

    it('the invited member joins; roles change what they may do; removal ends their access', async () => {
      const bobContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const bob = await bobContext.newPage();
      bob.setDefaultTimeout(20_000);
      try {
        await bob.goto(`${stack.origin}/`);
        await bob.getByRole('link', { name: 'Sign in with your identity provider' }).click();
        await bob.locator('input[name=email]').fill('bob@example.com');
        await bob.locator('input[name=password]').fill('palisade');
        await bob.getByRole('button', { name: 'Sign in' }).click();
        const invitations = bob.getByRole('region', { name: 'Invitations' });
        await invitations.getByText('E2E Org as Editor').waitFor();
        await screenshot(bob, '21-invitation-for-bob');
        await invitations.getByRole('button', { name: 'Join' }).click();
        await bob.getByRole('heading', { name: 'E2E Org' }).waitFor();
        const bobNav = bob.getByRole('navigation', { name: 'Sections' });
        await bobNav.getByRole('link', { name: 'Policies' }).click();
        await bob.getByRole('button', { name: 'New policy' }).waitFor();
        expect(await bobNav.getByRole('link', { name: 'API tokens' }).count()).toBe(0);

        // Alice's tab still shows the Members page of the invitation: it reloads to see Bob.
        await page.reload();
        const row = page.locator('tr[data-member="bob@example.com"]');
        await page.locator('tr[data-invitation="bob@example.com"]').getByText('accepted').waitFor();
        await row.getByLabel('Role of bob@example.com').selectOption('VIEWER');
        await page.getByText('bob@example.com is now Viewer').waitFor();

        await bob.reload();
        await bob.getByRole('region', { name: 'Policy board' }).waitFor();
        await bob.getByText('Viewer', { exact: true }).waitFor();
        expect(await bob.getByRole('button', { name: 'New policy' }).count()).toBe(0);
        expect(await bob.locator('[data-policy][draggable="true"]').count()).toBe(0);
        await screenshot(bob, '22-policy-board-as-viewer');

        await row.getByRole('button', { name: 'Remove bob@example.com' }).click();
        await page
          .getByRole('dialog', { name: 'Remove bob@example.com?' })
          .getByRole('button', { name: 'Remove member' })
          .click();
        await page.getByText('bob@example.com removed').waitFor();
        await bob.reload();
        await bob.getByRole('heading', { name: 'Organisation not found' }).waitFor();
      } finally {
        await bobContext.close();
      }
    });

    it('a member leaves the organisation by themselves and loses access', async () => {
      await nav(page, 'Members');
      await page.getByLabel('Email').fill('carol@example.com');
      await page.getByLabel('Role').selectOption('VIEWER');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText('Invitation sent to carol@example.com').waitFor();
      const carolContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const carol = await carolContext.newPage();
      carol.setDefaultTimeout(20_000);
      try {
        await carol.goto(`${stack.origin}/`);
        await carol.getByRole('link', { name: 'Sign in with your identity provider' }).click();
        await carol.locator('input[name=email]').fill('carol@example.com');
        await carol.locator('input[name=password]').fill('palisade');
        await carol.getByRole('button', { name: 'Sign in' }).click();
        await carol
          .getByRole('region', { name: 'Invitations' })
          .getByRole('button', { name: 'Join' })
          .click();
        await carol.getByRole('heading', { name: 'E2E Org' }).waitFor();
        await carol
          .getByRole('navigation', { name: 'Sections' })
          .getByRole('link', { name: 'Members' })
          .click();
        await carol.getByRole('button', { name: 'Leave organisation' }).click();
        await carol
          .getByRole('dialog', { name: 'Leave E2E Org?' })
          .getByRole('button', { name: 'Leave' })
          .click();
        await carol.getByText('You left E2E Org').waitFor();
        await carol.getByRole('heading', { name: 'Welcome to Palisade' }).waitFor();
        await screenshot(carol, '23-after-leaving');
        await carol.goto(`${stack.origin}/o/${slug}`);
        await carol.getByRole('heading', { name: 'Organisation not found' }).waitFor();
        await page.reload();
        await page.locator('tr[data-member="alice@example.com"]').waitFor();
        expect(await page.locator('tr[data-member="carol@example.com"]').count()).toBe(0);
      } finally {
        await carolContext.close();
      }
    });

    it('creates an API token (secret shown once) and revokes it', async () => {
      await nav(page, 'API tokens');
      await page.getByRole('heading', { name: 'No API tokens' }).waitFor();
      await page.getByRole('button', { name: 'Create token' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Create an API token' });
      await dialog.getByLabel('Name').fill('ci-deploy');
      await dialog.getByRole('button', { name: 'Create token' }).click();
      const secret = page.getByRole('dialog', { name: 'Token created' }).getByLabel('Token secret');
      expect(await secret.textContent()).toMatch(/^pal_/);
      await screenshot(page, '23-token-secret');
      await page.getByRole('button', { name: 'Done' }).click();
      const row = page.locator('tr[data-token="ci-deploy"]');
      await row.getByText('active').waitFor();
      await row.getByRole('button', { name: 'Revoke ci-deploy' }).click();
      await page
        .getByRole('dialog', { name: 'Revoke ci-deploy?' })
        .getByRole('button', { name: 'Revoke token' })
        .click();
      await row.getByText('revoked').waitFor();
      await screenshot(page, '24-tokens');
    });

    it('finds every change in the audit log with its diff, on a verified chain', async () => {
      await nav(page, 'Audit log');
      await page.getByText(/^Chain verified · \d+ events?$/).waitFor();
      const actions = async () =>
        page.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      await page.locator('[data-action]').first().waitFor();
      const all = await actions();
      for (const a of [
        'organization.create',
        'policy.create',
        'policy.reorder',
        'policy.rollback',
        'policy.promote',
        'policy.drift_mode',
        'cluster.labels.update',
        'member.invite',
        'member.join',
        'member.role.update',
        'member.remove',
        'api_token.create',
        'api_token.revoke',
      ])
        expect(all, a).toContain(a);
      expect(all.some((a) => a?.startsWith('cluster.'))).toBe(true);
      await screenshot(page, '25-audit-log');

      await page.getByLabel('Action').fill('api_token.');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-action]')].every((e) =>
          e.getAttribute('data-action')?.startsWith('api_token.'),
        ),
      );
      expect(new URL(page.url()).searchParams.get('action')).toBe('api_token.');
      const revoke = page.locator('[data-action="api_token.revoke"]');
      await revoke.getByRole('button', { name: /^Details of event/ }).click();
      await revoke.locator('.ui-diff__line--add').filter({ hasText: 'revokedAt' }).waitFor();
      await screenshot(page, '26-audit-token-revoke-diff');

      await page.getByLabel('Action').fill('policy.rollback');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const rollback = page.locator('[data-action="policy.rollback"]');
      await rollback.getByRole('button', { name: /^Details of event/ }).click();
      await rollback.locator('.ui-diff__line--add').first().waitFor();
      expect(await rollback.locator('.ui-diff').textContent()).toContain('100');
      await screenshot(page, '27-audit-policy-rollback-diff');
    });

    it('switches between organisations, keeping the slug in the URL', async () => {
      await page.getByLabel('Organisation').selectOption('__new__');
      await page.getByRole('heading', { name: 'Create another organisation' }).waitFor();
      await page.getByLabel('Organisation name').fill('Second Org');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('heading', { name: 'Second Org' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/o/second-org');
      await page.getByLabel('Organisation').selectOption(slug);
      await page.getByRole('heading', { name: 'E2E Org' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/o/${slug}`);
    });

    it('shows every policy’s sync in the cluster, then deletes the cluster after its name is typed', async () => {
      await nav(page, 'Clusters');
      await page.getByRole('link', { name: 'shop' }).click();
      await page.getByRole('tab', { name: 'Policy sync' }).click();
      const synced = page.getByRole('table', { name: 'Policies in this cluster' });
      await synced
        .getByRole('row', { name: /allow-storefront/ })
        .getByText('In sync')
        .waitFor({ timeout: 45_000 });
      await screenshot(page, '28-cluster-policy-sync');
      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete shop?' });
      const confirm = dialog.getByRole('button', { name: 'Delete cluster' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Type shop to confirm').fill('shop');
      await screenshot(page, '29-delete-cluster');
      await confirm.click();
      await Promise.race([
        page.getByText('shop deleted').waitFor(),
        dialog
          .getByRole('alert')
          .waitFor()
          .then(async () => {
            throw new Error(`delete refused: ${await dialog.getByRole('alert').textContent()}`);
          }),
      ]);
      await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
    });

    it('renders the dashboard in the dark theme, then signs out', async () => {
      await nav(page, 'Dashboard');
      await page.locator('[data-stat="connected"]').getByText('0').waitFor();
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.getByLabel('Theme').selectOption('light');
      expect(await background()).toBe('rgb(246, 247, 249)');
      await page.getByLabel('Theme').selectOption('dark');
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
      expect(await background()).toBe('rgb(13, 17, 23)');
      await screenshot(page, '30-dashboard-dark');
      // "System" follows the browser's preference, in both directions.
      await page.getByLabel('Theme').selectOption('system');
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await background()).toBe('rgb(13, 17, 23)');
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await background()).toBe('rgb(246, 247, 249)');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/o/'));
      await page.goto(`${stack.origin}/o/${slug}`);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).waitFor();
      const cookies = await context.cookies(stack.origin);
      expect(cookies.find((c) => c.name === 'pal_session')).toBeUndefined();
      agent?.kill('SIGTERM');
    });
  });
}
