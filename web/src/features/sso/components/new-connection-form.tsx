// Connect an identity provider: OIDC (issuer, client id, secret) or SAML (metadata URL or XML). The
// API checks the IdP (discovery, metadata) before saving and names the field that is wrong.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useCreateSsoConnection } from '../api';

export function NewConnectionForm({ slug }: { slug: string }) {
  const create = useCreateSsoConnection(slug);
  const [kind, setKind] = useState<'OIDC' | 'SAML'>('OIDC');
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [metadataUrl, setMetadataUrl] = useState('');
  const [metadataXml, setMetadataXml] = useState('');
  const [groupsClaim, setGroupsClaim] = useState('groups');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        groupsClaim: groupsClaim.trim() || null,
        ...(kind === 'OIDC'
          ? {
              oidc: {
                issuer: issuer.trim(),
                clientId: clientId.trim(),
                clientSecret,
                scopes: ['openid', 'email', 'profile', 'groups'],
              },
            }
          : { saml: metadataXml.trim() ? { metadataXml } : { metadataUrl: metadataUrl.trim() } }),
      },
      { onSuccess: () => (setName(''), setClientSecret(''), setMetadataXml('')) },
    );
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Connect an identity provider">
      <h3>Connect an identity provider</h3>
      <Field label="Protocol">
        <Select
          value={kind}
          onChange={(e) => setKind(e.target.value as 'OIDC' | 'SAML')}
          options={[
            { value: 'OIDC', label: 'OpenID Connect' },
            { value: 'SAML', label: 'SAML 2.0' },
          ]}
        />
      </Field>
      <Field label="Name">
        <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      {kind === 'OIDC' ? (
        <>
          <Field label="Issuer URL" hint="Its /.well-known/openid-configuration must answer.">
            <Input value={issuer} onChange={(e) => setIssuer(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Client id">
            <Input value={clientId} onChange={(e) => setClientId(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Client secret" hint="Stored encrypted; never shown again.">
            <Input
              type="password"
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              autoComplete="off"
            />
          </Field>
        </>
      ) : (
        <>
          <Field label="Metadata URL" hint="Or paste the metadata XML below.">
            <Input value={metadataUrl} onChange={(e) => setMetadataUrl(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Metadata XML">
            <textarea
              className="ui-input"
              rows={4}
              value={metadataXml}
              onChange={(e) => setMetadataXml(e.target.value)}
              spellCheck={false}
            />
          </Field>
        </>
      )}
      <Field label={kind === 'OIDC' ? 'Groups claim' : 'Groups attribute'}>
        <Input value={groupsClaim} onChange={(e) => setGroupsClaim(e.target.value)} autoComplete="off" />
      </Field>
      {create.isError && <p role="alert">{errorMessage(create.error)}</p>}
      <div>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Connect
        </Button>
      </div>
    </form>
  );
}
