// Hostile GraphQL requests (issue 20) get a small, clean refusal and never reach a resolver:
// introspection amplified by aliases, deeply nested JSON arguments and query text, invalid scalar
// values, and introspection by anonymous callers when the deployment turns it off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/config/env.js';
import { codeOf, TestContext } from './context.js';
import { expectData, signedInMember, type SignedInMember } from './factories/members.js';

let ctx: TestContext;
let alice: SignedInMember;
let slug: string;

beforeAll(async () => {
  ctx = await TestContext.start();
  slug = (await ctx.newOrg('hardening', 'alice@example.com')).slug;
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
});
afterAll(async () => ctx?.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { data?: unknown; errors?: Err[] } };
}
interface Err {
  message: string;
  extensions?: { code?: string; field?: (string | number)[] };
}

const INTROSPECT = '__schema { types { name fields { name type { name } } } }';

describe('introspection counts in the limits', () => {
  it('2,000 aliases of __schema from an anonymous caller are refused with a small response', async () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: ${INTROSPECT}`).join(' ')} }`;
    expect(query.length).toBeGreaterThan(100_000);
    const r = await post({ query });
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(r.json.errors?.[0]?.message).toMatch(/aliases/);
    expect(r.json.data ?? null).toBeNull();
    // One error, not one per alias: the refusal does not grow with the attack.
    expect(r.text.length).toBeLessThan(2_000);
  });

  it('a handful of __schema aliases is still over the alias limit when the aliases are nested', async () => {
    const inner = Array.from({ length: 40 }, (_, i) => `n${i}: name`).join(' ');
    const r = await post({ query: `{ __schema { types { ${inner} } } }` });
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.message).toMatch(/aliases/);
  });

  it('introspection is costed: a few whole-schema dumps fill the complexity budget', async () => {
    // Six aliases, well within the alias limit; each one a dump of the whole schema.
    const six = `{ ${Array.from({ length: 6 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ')} }`;
    const r = await ctx.gql(alice, six);
    expect(codeOf(r)).toBe('BAD_REQUEST');
    expect(r.errors?.[0]?.message).toMatch(/complexity \d+ exceeds the limit of 5000/);
    // Fragments spread twice at each of 20 levels would expand to a million fields.
    const frags = Array.from(
      { length: 20 },
      (_, i) =>
        `fragment F${i} on __Type { name ${i < 19 ? `... on __Type { ...F${i + 1} } ...F${i + 1}` : ''} }`,
    ).join(' ');
    const fanout = await ctx.gql(alice, `{ __type(name: "Query") { ...F0 } } ${frags}`);
    expect(codeOf(fanout)).toBe('BAD_REQUEST');
  });

  it('the standard introspection query of GraphiQL and codegen still works', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const r = await ctx.gql<{ __schema: { types: unknown[] } }>(null, getIntrospectionQuery());
    expect(expectData(r).__schema.types.length).toBeGreaterThan(10);
  });
});

describe('deeply nested input', () => {
  const CREATE = 'mutation($i: CreatePolicyResourceInput!) { createPolicyResource(input: $i) { name } }';

  // The bodies are written as text: JSON.stringify itself recurses and cannot build them.
  const deepObject = (depth: number, leaf: string) => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
  const deepList = (depth: number, leaf: string) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
  const createWith = (objectJson: string) =>
    `{"query":${JSON.stringify(CREATE)},"variables":{"i":{"orgSlug":"${slug}","object":${objectJson}}}}`;
  const postText = async (body: string) => {
    const res = await fetch(`${ctx.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...alice.headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as { errors?: Err[] } };
  };

  it('a 5,000-level nested JSON value in a variable is VALIDATION_FAILED, not INTERNAL', async () => {
    const r = await postText(createWith(deepObject(5000, '"leaf"')));
    expect(r.json.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(r.json.errors?.[0]?.message).toMatch(/nest at most 32 levels/);
    expect(r.text).not.toMatch(/stack size|RangeError/);
  });

  it('a 5,000-level nested JSON value carrying a NUL is refused cleanly too', async () => {
    const r = await postText(createWith(`{"spec":${deepList(5000, '"nul\\u0000here"')}}`));
    expect(r.json.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(r.text).not.toMatch(/stack size|RangeError|INTERNAL/);
  });

  it('a NUL deep in a JSON value within the depth limit is found and named by its path', async () => {
    const r = await postText(createWith(`{"spec":${deepList(20, '"nul\\u0000here"')}}`));
    expect(r.json.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(r.json.errors?.[0]?.extensions?.field).toEqual([
      'input',
      'object',
      'spec',
      ...Array<number>(20).fill(0),
    ]);
  });

  it('20,000 nested braces in the query text are BAD_REQUEST without a raw engine message', async () => {
    const selections = `{ viewer ${'{ kind '.repeat(20_000)}${'}'.repeat(20_000)} }`;
    const literal = `mutation { createPolicyResource(input: { orgSlug: "${slug}", object: ${'{ a: '.repeat(20_000)}1${'}'.repeat(20_000)} }) { name } }`;
    for (const query of [selections, literal, '{'.repeat(20_000)]) {
      const r = await post({ query }, alice.headers);
      expect(r.status).toBe(400);
      expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(r.text).not.toMatch(/stack size|RangeError/);
    }
  });

  it('a query in JSON-AST form nested 20,000 deep is BAD_REQUEST', async () => {
    const r = await post({ query: deepObject(20_000, '1') }, alice.headers);
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(r.text).not.toMatch(/stack size|RangeError|INTERNAL/);
  });

  it('a moderately nested policy document (a real Calico shape) is still accepted', async () => {
    const r = await ctx.gql(alice, CREATE, {
      i: {
        orgSlug: slug,
        object: {
          apiVersion: 'projectcalico.org/v3',
          kind: 'GlobalNetworkPolicy',
          metadata: { name: 'default.nested-ok' },
          spec: {
            tier: 'default',
            selector: 'all()',
            ingress: [
              { action: 'Allow', protocol: 'TCP', source: { namespaceSelector: 'all()', ports: [80] } },
            ],
          },
        },
      },
    });
    expectData(r);
  });
});

describe('scalars reject invalid values', () => {
  const AUDIT =
    'query($s: String!, $f: AuditEventFilter) { organization(slug: $s) { auditEvents(filter: $f) { totalCount } } }';

  it('an invalid date in a variable is VALIDATION_FAILED naming the field', async () => {
    for (const from of ['yesterday', '2026-13-45T00:00:00Z', '']) {
      const r = await ctx.gql(alice, AUDIT, { s: slug, f: { from } });
      expect(codeOf(r), from).toBe('VALIDATION_FAILED');
      expect(r.errors?.[0]?.message).toMatch(/\bfrom\b/);
      expect(r.errors?.[0]?.message).toMatch(/ISO 8601/);
    }
  });

  it('an invalid date written inline is VALIDATION_FAILED naming the value', async () => {
    const r = await ctx.gql(
      alice,
      `{ organization(slug: "${slug}") { auditEvents(filter: { to: "not a date" }) { totalCount } } }`,
    );
    expect(codeOf(r)).toBe('VALIDATION_FAILED');
    expect(r.errors?.[0]?.message).toMatch(/"not a date"; DateTime must be an ISO 8601/);
  });

  it('valid dates still filter', async () => {
    const r = await ctx.gql<{ organization: { auditEvents: { totalCount: number } } }>(alice, AUDIT, {
      s: slug,
      f: { from: '2000-01-01T00:00:00Z', to: '2999-01-01T00:00:00.000+02:00' },
    });
    expect(expectData(r).organization.auditEvents.totalCount).toBeGreaterThan(0);
  });
});

describe('introspection for anonymous callers can be turned off', () => {
  let closed: TestContext;
  beforeAll(async () => {
    closed = await TestContext.start({ GRAPHQL_INTROSPECTION: 'authenticated' });
  });
  afterAll(async () => closed?.close());

  it('is off by default in production only', () => {
    // Production requires the evidence key (decision 0068); any valid one will do here.
    const production = {
      NODE_ENV: 'production',
      EVIDENCE_KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    };
    expect(loadEnv(production).graphqlIntrospection).toBe('authenticated');
    expect(loadEnv({ NODE_ENV: 'development' }).graphqlIntrospection).toBe('public');
    expect(loadEnv({ ...production, GRAPHQL_INTROSPECTION: 'public' }).graphqlIntrospection).toBe('public');
  });

  it('refuses __schema and __type, also through a fragment, to an anonymous caller', async () => {
    for (const query of [
      '{ __schema { queryType { name } } }',
      '{ t: __type(name: "Query") { name } }',
      '{ ...Q } fragment Q on Query { __schema { types { name } } }',
    ]) {
      const r = await closed.gql(null, query);
      expect(codeOf(r), query).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
    // __typename is not introspection of the schema.
    expect(expectData(await closed.gql(null, '{ __typename }'))).toEqual({ __typename: 'Query' });
  });

  it('answers a signed-in caller', async () => {
    const { slug: s } = await closed.newOrg('introspect');
    const token = await closed.tokenCaller(s, 'viewer');
    const r = await closed.gql<{ __schema: { queryType: { name: string } } }>(
      token,
      '{ __schema { queryType { name } } }',
    );
    expect(expectData(r).__schema.queryType.name).toBe('Query');
  });
});
