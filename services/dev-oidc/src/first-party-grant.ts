// Consent policy: every client registered with this provider is a first-party Palisade client, so
// the signed-in user's grant is extended, just in time, to the OpenID scopes and claims the request
// asks for. This is oidc-provider's `loadExistingGrant` hook: the consent prompt is then satisfied
// without a second screen and the authorization request resumes straight to the redirect_uri.
// Only scopes the provider supports reach requestParamOIDCScopes, so nothing beyond
// `openid email profile` can be granted this way.
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

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
