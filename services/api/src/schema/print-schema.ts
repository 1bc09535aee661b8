// Builds the code-first GraphQL schema (no request is served) and prints it as SDL. The
// committed services/api/schema.graphql must equal this output; a test checks it.
//   node --import ./scripts/register.mjs services/api/src/schema/print-schema.ts > services/api/schema.graphql
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { AppModule } from '../app.module.js';
import { loadEnv } from '../config/env.js';
import { createLogger } from '../platform/http/logger.js';

export async function buildSchemaSdl(): Promise<string> {
  const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create(
    AppModule.forRoot(env, createLogger('silent', 'schema')),
    new FastifyAdapter(),
    { logger: false },
  );
  await app.init();
  const sdl = printSchema(app.get(GraphQLSchemaHost).schema);
  await app.close();
  return `${sdl}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(await buildSchemaSdl());
}
