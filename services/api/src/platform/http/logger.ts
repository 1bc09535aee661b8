// pino JSON logs, one logger per process, injectable as LOGGER.
import { pino, type Logger } from 'pino';

export const LOGGER = Symbol('LOGGER');

export function createLogger(level: string, name: string): Logger {
  return pino({
    level,
    name,
    base: { service: name },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
}
