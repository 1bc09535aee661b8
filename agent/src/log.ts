// The agent's structured logger (pino, JSON lines). Several agents can share a process (tests,
// `npm start`), so every agent logs through a child carrying its own bindings; nothing logs through
// a global.

import { pino, type Logger } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { service: 'palisade-agent' } });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
