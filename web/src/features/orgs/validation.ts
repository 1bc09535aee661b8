// Client-side checks of the create-organisation form, matching what the API accepts, so mistakes
// show next to the field before a round trip. The API re-checks everything.
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function slugFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

export interface OrgFormErrors {
  name?: string;
  slug?: string;
}

export function validateOrgForm(name: string, slug: string): OrgFormErrors {
  const errors: OrgFormErrors = {};
  if (!name.trim()) errors.name = 'Enter a name.';
  else if (name.trim().length > 100) errors.name = 'Use at most 100 characters.';
  if (!slug) errors.slug = 'Enter a URL name.';
  else if (!SLUG_PATTERN.test(slug))
    errors.slug =
      'Use 1–40 lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  return errors;
}
