// The closed set of error codes the API puts in a GraphQL error's `extensions.code` (decision
// 0021). The API throws and formats them; the console reads them to tell "sign in again" from "not
// allowed" from "invalid input". The tunnel's own request/response codes (@palisade/protocol) are a
// different contract, between gateway and agent, and never reach a client.
export const ERROR_CODES = [
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'PRECONDITION_FAILED',
  'UNAVAILABLE',
  'BAD_REQUEST',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
