// The session policy form's rule, from @palisade/access (the API checks the same bounds).
import { SESSION_IDLE_MINUTES, SESSION_LIFETIME_MINUTES } from '@palisade/access';

/** Null when `text` is empty (no limit) or a whole number of minutes within `bounds`. */
export function minutesError(text: string, bounds: { min: number; max: number }): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t)) return 'Enter a whole number of minutes, or leave empty for no limit';
  const n = Number(t);
  if (n < bounds.min || n > bounds.max) return `Between ${bounds.min} and ${bounds.max} minutes`;
  return undefined;
}

export const LIFETIME = SESSION_LIFETIME_MINUTES;
export const IDLE = SESSION_IDLE_MINUTES;
