// Client-side checks of the create-organisation form, matching what the API accepts, so mistakes
// show next to the field before a round trip. The rules are the API's (@palisade/access); the API
// re-checks everything.
import { isOrgSlug, ORG_NAME_MAX_LENGTH, ORG_SLUG_MAX_LENGTH } from '@palisade/access';

export function slugFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ORG_SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
}

export interface OrgFormErrors {
  name?: string;
  slug?: string;
}

export function validateOrgForm(name: string, slug: string): OrgFormErrors {
  const errors: OrgFormErrors = {};
  if (!name.trim()) errors.name = 'Enter a name.';
  else if (name.trim().length > ORG_NAME_MAX_LENGTH)
    errors.name = `Use at most ${String(ORG_NAME_MAX_LENGTH)} characters.`;
  if (!slug) errors.slug = 'Enter a URL name.';
  else if (!isOrgSlug(slug))
    errors.slug =
      'Use 1–40 lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  return errors;
}
