// Create an organisation: name, and the URL name derived from it until edited by hand.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { isApiError } from '../../../lib/graphql-client';
import { useCreateOrganization } from '../api';
import { slugFromName, validateOrgForm } from '../validation';

export function CreateOrgForm({ onCreated }: { onCreated: (slug: string) => void }) {
  const create = useCreateOrganization();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const effectiveSlug = slugEdited ? slug : slugFromName(name);
  const errors = submitted ? validateOrgForm(name, effectiveSlug) : {};
  const conflict = isApiError(create.error, 'CONFLICT')
    ? 'That URL name is taken; choose another.'
    : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const found = validateOrgForm(name, effectiveSlug);
    if (found.name || found.slug) return;
    create.mutate({ name: name.trim(), slug: effectiveSlug }, { onSuccess: (org) => onCreated(org.slug) });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create organisation">
      <Field label="Organisation name" error={errors.name}>
        <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="organization" />
      </Field>
      <Field
        label="URL name"
        hint={`Your console address: /o/${effectiveSlug || '…'}`}
        error={errors.slug ?? conflict}
      >
        <Input
          value={effectiveSlug}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.target.value);
          }}
          autoComplete="off"
        />
      </Field>
      {create.error && !conflict && (
        <p className="ui-field__error" role="alert">
          {errorMessage(create.error)}
        </p>
      )}
      <Button type="submit" variant="primary" busy={create.isPending}>
        Create organisation
      </Button>
    </form>
  );
}
