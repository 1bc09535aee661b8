// Security headers on every response of the API's origin (issue 20), through @fastify/helmet,
// registered at the root before any route so that /graphql (Mercurius), /auth/*, /v1/*, health and
// the 404s all carry them:
//  - a Content-Security-Policy that lets an API response load and frame nothing (the console's
//    pages replace it with their own, static-console.ts); off in development only, where GraphiQL
//    loads its page from a CDN;
//  - HSTS when the public origin is https (TLS ends here or at a proxy in front: PUBLIC_ORIGIN is
//    what browsers see), one year, subdomains included;
//  - nosniff, no referrer, same-origin resource and opener policies, frames denied.
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Env } from '../../config/env.js';

export const HSTS_MAX_AGE_S = 365 * 24 * 3600;

export async function registerSecurityHeaders(app: NestFastifyApplication, env: Env): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy:
      env.NODE_ENV === 'development'
        ? false
        : {
            useDefaults: false,
            directives: {
              defaultSrc: ["'none'"],
              frameAncestors: ["'none'"],
              baseUri: ["'none'"],
              formAction: ["'none'"],
            },
          },
    hsts:
      new URL(env.PUBLIC_ORIGIN).protocol === 'https:'
        ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: true }
        : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
}
