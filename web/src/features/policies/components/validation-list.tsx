// The editor's validation result: "Valid" or each error with its line, column and field.
import { StatusPill } from '../../../components/ui/badge';
import type { ValidationError } from '@palisade/policy';
import { plural } from '../../../lib/format';

export function formatValidationError(e: ValidationError): string {
  const where = e.line ? `Line ${e.line}${e.column ? `, column ${e.column}` : ''}: ` : '';
  const field = e.path ? `${e.path}: ` : '';
  return `${where}${field}${e.message}`;
}

export function ValidationList({ errors, count }: { errors: readonly ValidationError[]; count: number }) {
  return (
    <div aria-live="polite" data-testid="validation">
      {errors.length === 0 ? (
        <StatusPill tone="ok" label={count === 1 ? 'Valid' : `Valid · ${plural(count, 'resource')}`} />
      ) : (
        <>
          <StatusPill tone="danger" label={`${errors.length} problem${errors.length === 1 ? '' : 's'}`} />
          <ul className="validation-list">
            {errors.slice(0, 50).map((e, i) => (
              <li key={i}>{formatValidationError(e)}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
