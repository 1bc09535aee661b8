// The schema's descriptions say which roles may use each guarded field ("Roles: owner, admin."),
// for people automating against the API. This keeps them true: for every resolver method, the
// sentence in the field's description must name exactly the roles that hold the permission of its
// @RequirePermission decorator, as @palisade/access defines them.
import 'reflect-metadata';
import { NestFactory, ModulesContainer } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { loadEnv } from '../src/config/env.js';
import { ACCESS_KEY, type AccessRule } from '../src/platform/access/decorators.js';
import { ROLES, can, type Permission } from '../src/platform/access/roles.js';
import { createLogger } from '../src/platform/http/logger.js';

// Metadata keys of @nestjs/graphql's decorators (graphql.constants).
const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const RESOLVE_PROPERTY = 'graphql:resolve_property';

interface GuardedField {
  coordinate: string;
  rule: AccessRule | undefined;
}

/** Every schema field backed by a resolver method, with the access rule on that method or class. */
function resolverFields(modules: ModulesContainer): GuardedField[] {
  const out: GuardedField[] = [];
  const seen = new Set<unknown>();
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const cls = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (typeof cls !== 'function' || seen.has(cls)) continue;
      const parent = Reflect.getMetadata(RESOLVER_TYPE, cls) as string | undefined;
      if (!parent) continue;
      seen.add(cls);
      const proto = cls.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const method = proto[key];
        if (key === 'constructor' || typeof method !== 'function') continue;
        const rootType = Reflect.getMetadata(RESOLVER_TYPE, method) as string | undefined;
        const isField = Reflect.getMetadata(RESOLVE_PROPERTY, method) === true;
        if (!rootType && !isField) continue;
        const name = (Reflect.getMetadata(RESOLVER_NAME, method) as string | undefined) ?? key;
        const rule =
          (Reflect.getMetadata(ACCESS_KEY, method) as AccessRule | undefined) ??
          (Reflect.getMetadata(ACCESS_KEY, cls) as AccessRule | undefined);
        out.push({ coordinate: `${isField ? parent : rootType}.${name}`, rule });
      }
    }
  }
  return out;
}

function rolesSentence(permission: Permission): string {
  const roles = ROLES.filter((r) => can(r, permission));
  return roles.length === ROLES.length ? 'Roles: any.' : `Roles: ${roles.join(', ')}.`;
}

function descriptionOf(schema: GraphQLSchema, coordinate: string): string | undefined {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type of the schema`);
  const field = type.getFields()[fieldName];
  if (!field) throw new Error(`${coordinate} is not in the schema`);
  return field.description ?? undefined;
}

describe('role sentences in the schema descriptions', () => {
  let close: () => Promise<void>;
  let schema: GraphQLSchema;
  let fields: GuardedField[];

  beforeAll(async () => {
    const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await NestFactory.create(
      AppModule.forRoot(env, createLogger('silent', 'schema-roles')),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.init();
    close = () => app.close();
    schema = app.get(GraphQLSchemaHost).schema;
    fields = resolverFields(app.get(ModulesContainer));
  });
  afterAll(() => close());

  it('name the roles that hold the permission of each guarded field', () => {
    const permissionFields = fields.filter((f) => f.rule?.kind === 'permission');
    // Every root field has a resolver; a walk that finds fewer found nothing worth checking.
    const rootFields = ['Query', 'Mutation', 'Subscription'].flatMap((t) => {
      const type = schema.getType(t);
      return isObjectType(type) ? Object.keys(type.getFields()).map((f) => `${t}.${f}`) : [];
    });
    expect(fields.map((f) => f.coordinate)).toEqual(expect.arrayContaining(rootFields));

    const wrong = permissionFields.flatMap((f) => {
      const rule = f.rule as Extract<AccessRule, { kind: 'permission' }>;
      const want = rolesSentence(rule.permission);
      const description = descriptionOf(schema, f.coordinate) ?? '';
      return description.includes(want) ? [] : [`${f.coordinate} (${rule.permission}) should say "${want}"`];
    });
    expect(wrong).toEqual([]);
    expect(permissionFields.length).toBeGreaterThan(rootFields.length / 2);
  });

  it('claim no roles on fields open to any signed-in caller', () => {
    const claims = fields
      .filter((f) => f.rule?.kind !== 'permission')
      .filter((f) => (descriptionOf(schema, f.coordinate) ?? '').includes('Roles:'))
      .map((f) => f.coordinate);
    expect(claims).toEqual([]);
  });
});
