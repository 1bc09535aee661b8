// The console's only way to talk to the API over HTTP: POST /graphql with the session cookie and the
// CSRF header. Errors keep the API's closed set of codes (extensions.code) so pages can tell
// "sign in again" from "not allowed" from "invalid input" without parsing messages. The codes are
// @palisade/access's, the set the API answers with; NETWORK is the console's own, for no answer.
import { isErrorCode, type ErrorCode as ApiErrorCode } from '@palisade/access';
import type { TypedDocumentString } from '../generated/graphql';
import { CSRF_HEADER, readCsrfToken } from './csrf';
import { markApiReachable, markApiUnreachable } from './live-connection';

export type ErrorCode = ApiErrorCode | 'NETWORK';

interface WireError {
  message: string;
  extensions?: { code?: string; field?: (string | number)[]; errorId?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly code: ErrorCode,
    /** Path of the bad input field, for VALIDATION_FAILED. */
    readonly field?: readonly (string | number)[],
    /** Shown to the user so support can find the log line. */
    readonly errorId?: string,
  ) {
    super(message);
  }
}

export function toApiError(e: WireError): ApiError {
  const raw = e.extensions?.code;
  // A code outside the API's set (a proxy's, or none) says nothing the console can act on.
  const code: ErrorCode = isErrorCode(raw) ? raw : 'INTERNAL';
  return new ApiError(e.message, code, e.extensions?.field, e.extensions?.errorId);
}

export function isApiError(e: unknown, code?: ErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

export const GRAPHQL_PATH = '/graphql';

export async function gqlRequest<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const csrf = readCsrfToken();
  if (csrf) headers[CSRF_HEADER] = csrf;
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    markApiUnreachable();
    throw new ApiError('The API cannot be reached. Check your connection and try again.', 'NETWORK');
  }
  // A gateway in front answering for an API that is gone is no answer from the API either.
  if (res.status === 502 || res.status === 503 || res.status === 504) markApiUnreachable();
  else markApiReachable();
  let body: { data?: TResult | null; errors?: WireError[]; message?: unknown };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(`The API answered ${res.status} without a GraphQL body.`, 'INTERNAL');
  }
  const first = body.errors?.[0];
  if (first) throw toApiError(first);
  if (body.data == null) {
    // Not a GraphQL answer (e.g. a proxy or the HTTP layer refused the request): say what came back.
    const detail = typeof body.message === 'string' ? `: ${body.message}` : '';
    throw new ApiError(`The API answered ${res.status} without data${detail}.`, 'INTERNAL');
  }
  return body.data;
}
