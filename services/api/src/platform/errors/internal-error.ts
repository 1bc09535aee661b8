// An unexpected failure (a bug, the database gone): logged in full under a fresh error id, and
// answered as INTERNAL with only that id, so an operator can find the cause and a client learns
// nothing about the internals.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from './app-error.js';

export function logInternalError(
  log: Logger,
  err: unknown,
  where: string,
  extra: Record<string, unknown> = {},
): AppError {
  const errorId = randomUUID();
  log.error({ errorId, err, ...extra }, `internal error in ${where}`);
  return AppError.internal(errorId);
}
