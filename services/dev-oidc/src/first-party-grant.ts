// Consent policy: every client registered with this provider is a first-party Palisade client, so
// the signed-in user's grant is extended, just in time, to what the request asks for; no consent
// screen exists. Two entry points, both through oidc-provider's grant API:
// - loadFirstPartyGrant is the `loadExistingGrant` hook: the consent prompt is satisfied before it
//   is raised, so after the login form the authorization request resumes straight to redirect_uri.
// - grantPromptedConsent answers a consent prompt that is raised anyway (`prompt=consent`).
// Only scopes the provider supports ever reach a grant, so nothing beyond `openid email profile`
// (and `groups`) can be granted this way.
import type { Grant, Interaction, KoaContextWithOIDC, Provider } from 'oidc-provider';

export async function loadFirstPartyGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client;
  const account = oidc.account;
  if (client === undefined || account === undefined) return undefined;

  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(client.clientId);
  const found = grantId === undefined ? undefined : await oidc.provider.Grant.find(grantId);
  const existing = found?.accountId === account.accountId ? found : undefined;
  const grant =
    existing ?? new oidc.provider.Grant({ accountId: account.accountId, clientId: client.clientId });

  grant.addOIDCScope(oidc.requestParamOIDCScopes);
  grant.addOIDCClaims(oidc.requestParamClaims);
  await grant.save();
  return grant;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Grants what a consent prompt reports missing; resolves to the grant id to finish it with. */
export async function grantPromptedConsent(provider: Provider, interaction: Interaction): Promise<string> {
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params['client_id'];
  if (accountId === undefined || typeof clientId !== 'string') {
    throw new Error('a consent prompt without a signed-in session');
  }
  const found =
    interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId);
  const grant = found?.accountId === accountId ? found : new provider.Grant({ accountId, clientId });
  const { details } = interaction.prompt;
  grant.addOIDCScope(stringList(details['missingOIDCScope']));
  grant.addOIDCClaims(stringList(details['missingOIDCClaims']));
  const resourceScopes = details['missingResourceScopes'];
  if (typeof resourceScopes === 'object' && resourceScopes !== null) {
    for (const [resource, scopes] of Object.entries(resourceScopes)) {
      grant.addResourceScope(resource, stringList(scopes));
    }
  }
  return grant.save();
}
