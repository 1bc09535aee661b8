// The create-token form's checks, with the API's bounds (@palisade/access); the API re-checks.
import { MAX_TOKEN_DAYS, TOKEN_NAME_MAX_LENGTH } from '@palisade/access';

export interface TokenFormErrors {
  name?: string;
  days?: string;
}

export function validateTokenForm(name: string, days: string): TokenFormErrors {
  const errors: TokenFormErrors = {};
  if (!name.trim()) errors.name = 'Enter a name, e.g. ci-deploy.';
  else if (name.trim().length > TOKEN_NAME_MAX_LENGTH)
    errors.name = `Use at most ${String(TOKEN_NAME_MAX_LENGTH)} characters.`;
  const n = Number(days);
  if (!/^\d+$/.test(days.trim()) || n < 1 || n > MAX_TOKEN_DAYS)
    errors.days = `Choose between 1 and ${String(MAX_TOKEN_DAYS)} days.`;
  return errors;
}
