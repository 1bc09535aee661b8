// Structured JSON logs (pino), one logger per gateway tagged with its id. Secrets never reach a log
// line: sessions log cluster ids and reason names, never frames.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/env.js';

export function createLogger(level: LogLevel, gatewayId: string): Logger {
  return pino({ level, base: { service: 'cluster-gateway', gatewayId } });
}
