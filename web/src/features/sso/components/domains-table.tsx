// Claimed email domains: the DNS proof to publish, verification, routing to a connection and
// "require SSO" (owners keep break-glass: /auth/login?breakGlass=1, audited).
import { useState, type FormEvent } from 'react';
import { isEmailDomain } from '@palisade/access';
import { StatusPill } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { Table } from '../../../components/ui/table';
import {
  useAddSsoDomain,
  useRemoveSsoDomain,
  useUpdateSsoDomain,
  useVerifySsoDomain,
  type SsoConnectionNode,
  type SsoDomainNode,
} from '../api';

export function DomainsTable({
  slug,
  domains,
  connections,
}: {
  slug: string;
  domains: readonly SsoDomainNode[];
  connections: readonly SsoConnectionNode[];
}) {
  const add = useAddSsoDomain(slug);
  const verify = useVerifySsoDomain(slug);
  const update = useUpdateSsoDomain(slug);
  const remove = useRemoveSsoDomain(slug);
  const [domain, setDomain] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const candidate = domain.trim().toLowerCase();
  const domainError =
    submitted && !isEmailDomain(candidate) ? 'Enter a domain such as example.com' : undefined;
  const failure = add.error ?? verify.error ?? update.error ?? remove.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!isEmailDomain(candidate)) return;
    add.mutate(candidate, { onSuccess: () => (setDomain(''), setSubmitted(false)) });
  };
  const options = [
    { value: '', label: 'No connection' },
    ...connections.map((c) => ({ value: c.id, label: c.name })),
  ];

  return (
    <div className="stack">
      {domains.length === 0 ? (
        <p>No domains yet. Claim your email domain to send its people to your identity provider.</p>
      ) : (
        <Table
          caption="Email domains"
          columns={['Domain', 'Status', 'DNS proof (TXT)', 'Sign-in through', 'Require SSO', '']}
        >
          {domains.map((d) => (
            <tr key={d.id}>
              <td>{d.domain}</td>
              <td>
                <StatusPill
                  tone={d.verified ? 'ok' : 'warn'}
                  label={d.verified ? 'Verified' : 'Not verified'}
                />
              </td>
              <td>
                <code>{d.proofRecordName}</code>
                <br />
                <code>{d.proofRecordValue}</code>
              </td>
              <td>
                <Select
                  aria-label={`Connection for ${d.domain}`}
                  value={d.connectionId ?? ''}
                  options={options}
                  onChange={(e) => update.mutate({ domainId: d.id, connectionId: e.target.value || null })}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Require SSO for ${d.domain}`}
                  checked={d.requireSso}
                  disabled={!d.verified || !d.connectionId}
                  onChange={(e) => update.mutate({ domainId: d.id, requireSso: e.target.checked })}
                />
              </td>
              <td className="row">
                {!d.verified && (
                  <Button size="small" busy={verify.isPending} onClick={() => verify.mutate(d.id)}>
                    Verify
                  </Button>
                )}
                <Button size="small" variant="danger" onClick={() => remove.mutate(d.id)}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {failure && <p role="alert">{errorMessage(failure)}</p>}
      <form className="row" onSubmit={submit} noValidate aria-label="Claim a domain">
        <Field label="Domain" error={domainError}>
          <Input
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            placeholder="example.com"
            autoComplete="off"
          />
        </Field>
        <Button type="submit" busy={add.isPending}>
          Claim domain
        </Button>
      </form>
    </div>
  );
}
