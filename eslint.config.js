// ESLint flat config: typescript-eslint type-checked rules for all TypeScript, plus Palisade's
// own rules (eslint-rules/): every GraphQL resolver method must declare its access, and every
// contract fact has one home (tests and benchmarks may spell wire values on purpose).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import palisade from './eslint-rules/index.js';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-bench/**',
      'test-artifacts/**',
      '**/generated/**',
      'scripts/*.mjs',
      'packages/*/bin/*.mjs',
      'eslint-rules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.ts',
            'packages/*/vitest.config.ts',
            'services/*/vitest.config.ts',
            'services/*/prisma.config.ts',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { palisade },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'palisade/guarded-resolvers': 'error',
      'palisade/one-home': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.spec.tsx',
      '**/*.test.ts',
      '**/test/**',
      '**/e2e/**',
      'bench/**',
      '**/*-fixture.ts',
    ],
    rules: { 'palisade/one-home': 'off' },
  },
  {
    // The Redis names the API, the gateways and the agents' tests share (decisions 0006, 0009) are
    // built by @palisade/protocol/routing only; a hand-written copy could drift from it.
    files: ['services/*/src/**/*.ts', 'agent/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'TemplateElement[value.raw=/^:(lease|epoch|control|replies|policy-sync-events|cluster-events|cluster-revocations)$/]',
          message: 'build routing Redis names with redisKeys() from @palisade/protocol/routing',
        },
        {
          selector: 'Literal[value=/^:?(policy-sync-events|cluster-events|cluster-revocations)$/]',
          message: 'build routing Redis names with redisKeys() from @palisade/protocol/routing',
        },
      ],
    },
  },
  {
    // The gateway holds tunnels through the TunnelHandle interface; only the composition root
    // constructs the session class (the shared context and routing naming it made a circle).
    files: ['services/cluster-gateway/src/**/*.ts'],
    ignores: [
      'services/cluster-gateway/src/gateway.ts',
      'services/cluster-gateway/src/tunnel/tunnel-session.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tunnel/tunnel-session.js', './tunnel-session.js'],
              message: 'hold tunnels as TunnelHandle (tunnel/tunnel-handle.ts), not the session class',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'eslint-rules/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain JavaScript that must run before any TypeScript tooling (the Node.js version guard):
    // linted, without type information; so are the hand-written declarations beside such files.
    files: ['packages/node-guard/**/*.mjs', '**/*.d.mts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
