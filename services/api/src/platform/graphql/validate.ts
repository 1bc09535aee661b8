// Validates resolver inputs with zod once, at the edge, turning issues into VALIDATION_FAILED with
// the path of the bad field (prefixed by the argument name, e.g. ["input", "slug"]).
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';

export function validateInput<S extends z.ZodType>(schema: S, value: unknown, argName = 'input'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw AppError.validation(
    r.error.issues.map((i) => ({
      path: [argName, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: i.message,
    })),
  );
}
