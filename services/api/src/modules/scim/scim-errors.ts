// SCIM error responses (RFC 7644 §3.12): a status, an optional scimType from the RFC's closed set,
// and a detail sentence that names what was wrong. SCIMMY's error types carry them and render the
// body; anything else that escapes a handler becomes a 500 without internals.
import SCIMMY from 'scimmy';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export type ScimError = InstanceType<typeof SCIMMY.Types.Error>;

export function scimError(status: number, scimType: ScimType | null, detail: string): ScimError {
  return new SCIMMY.Types.Error(status, scimType as never, detail);
}

export function isScimError(err: unknown): err is ScimError {
  return err instanceof SCIMMY.Types.Error;
}

/** The response body and status for a SCIM error. */
export function errorBody(err: ScimError): { status: number; body: Record<string, unknown> } {
  const msg = new SCIMMY.Messages.Error(err) as unknown as Record<string, unknown>;
  return { status: Number(err.status), body: { ...msg } };
}
