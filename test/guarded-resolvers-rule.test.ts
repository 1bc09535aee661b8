// The lint rule that fails the build on a GraphQL resolver method without an access decorator.
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import rule from '../eslint-rules/guarded-resolvers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('guarded-resolvers', rule, {
  valid: [
    { code: 'class R { @Query(() => X) @RequirePermission("org:read") a() {} }' },
    { code: 'class R { @Mutation(() => X) @Authenticated() b() {} }' },
    { code: 'class R { @ResolveField("x", () => X) @Public() c() {} }' },
    { code: '@RequirePermission("org:read") class R { @Query(() => X) d() {} }' },
    { code: 'class S { helper() {} @Inject() other() {} }' },
  ],
  invalid: [
    { code: 'class R { @Query(() => X) a() {} }', errors: [{ messageId: 'unguarded' }] },
    { code: 'class R { @Mutation(() => X) @Other() b() {} }', errors: [{ messageId: 'unguarded' }] },
    { code: 'class R { @Subscription(() => X) c() {} }', errors: [{ messageId: 'unguarded' }] },
    { code: 'class R { @ResolveField("m", () => X) m() {} }', errors: [{ messageId: 'unguarded' }] },
  ],
});
