// The create-token form's checks (the API enforces the same bounds).
export interface TokenFormErrors {
  name?: string;
  days?: string;
}

export function validateTokenForm(name: string, days: string): TokenFormErrors {
  const errors: TokenFormErrors = {};
  if (!name.trim()) errors.name = 'Enter a name, e.g. ci-deploy.';
  else if (name.trim().length > 100) errors.name = 'Use at most 100 characters.';
  const n = Number(days);
  if (!/^\d+$/.test(days.trim()) || n < 1 || n > 365) errors.days = 'Choose between 1 and 365 days.';
  return errors;
}
