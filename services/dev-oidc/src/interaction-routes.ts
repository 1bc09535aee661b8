// The provider's interaction endpoints, the only pages that are ours rather than oidc-provider's:
//   GET  /interaction/:uid        login prompt → the sign-in form; consent prompt → auto-granted
//   POST /interaction/:uid/login  checks the credentials, then hands the result back to the provider
// The interaction is always read from the provider's own HttpOnly, SameSite=Lax interaction cookie
// and must match the uid in the URL, so a page cannot submit a sign-in into someone else's flow.
// On success the provider answers 303 to /auth/:uid, which resumes the authorization request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider } from 'oidc-provider';
import { grantPromptedConsent } from './first-party-grant.js';
import { FormBodyError, readFormBody } from './form-body.js';
import { escapeHtml, renderPage } from './html.js';
import { INVALID_CREDENTIALS_MESSAGE, renderLoginPage } from './login-page.js';
import { verifyCredentials, type DemoUser } from './users.js';

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
} as const;

/** Answers true when the request was an interaction route (and has been answered). */
export type InteractionHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS).end(html);
}

function sendProblem(res: ServerResponse, status: number, message: string): void {
  sendPage(
    res,
    status,
    renderPage(
      'Sign-in error',
      `<h1>Sign-in error</h1><p class="error" role="alert">${escapeHtml(message)}</p>`,
    ),
  );
}

function clientNameOf(interaction: Interaction): string {
  const clientId = interaction.params['client_id'];
  return typeof clientId === 'string' ? clientId : 'the application';
}

export function createInteractionHandler(provider: Provider, users: readonly DemoUser[]): InteractionHandler {
  async function loadInteraction(req: IncomingMessage, res: ServerResponse, uid: string) {
    try {
      const interaction = await provider.interactionDetails(req, res);
      return interaction.uid === uid ? interaction : undefined;
    } catch {
      return undefined;
    }
  }

  async function showPrompt(
    req: IncomingMessage,
    res: ServerResponse,
    interaction: Interaction,
  ): Promise<void> {
    if (interaction.prompt.name === 'login') {
      sendPage(res, 200, renderLoginPage({ uid: interaction.uid, clientName: clientNameOf(interaction) }));
    } else if (interaction.prompt.name === 'consent') {
      const grantId = await grantPromptedConsent(provider, interaction);
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    } else {
      sendProblem(res, 400, `Unsupported prompt: ${interaction.prompt.name}`);
    }
  }

  async function submitLogin(
    req: IncomingMessage,
    res: ServerResponse,
    interaction: Interaction,
  ): Promise<void> {
    if (interaction.prompt.name !== 'login')
      return sendProblem(res, 400, 'This sign-in step is not expected now.');
    const form = await readFormBody(req);
    const email = form.get('email') ?? '';
    const user = verifyCredentials(users, email, form.get('password') ?? '');
    if (user === undefined) {
      const page = {
        uid: interaction.uid,
        clientName: clientNameOf(interaction),
        email,
        error: INVALID_CREDENTIALS_MESSAGE,
      };
      return sendPage(res, 200, renderLoginPage(page));
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.subject } },
      { mergeWithLastSubmission: false },
    );
  }

  return async (req, res) => {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://interaction.invalid').pathname);
    const uid = match?.[1];
    if (uid === undefined) return false;
    const isLogin = match?.[2] !== undefined;
    const expectedMethod = isLogin ? 'POST' : 'GET';
    if (req.method !== expectedMethod) {
      res.writeHead(405, { allow: expectedMethod }).end();
      return true;
    }
    const interaction = await loadInteraction(req, res, uid);
    if (interaction === undefined) {
      sendProblem(
        res,
        400,
        'This sign-in request has expired or is not valid. Start again from the application.',
      );
      return true;
    }
    try {
      await (isLogin ? submitLogin(req, res, interaction) : showPrompt(req, res, interaction));
    } catch (error) {
      if (!(error instanceof FormBodyError)) throw error;
      sendProblem(res, error.status, error.message);
    }
    return true;
  };
}
