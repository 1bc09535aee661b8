// ESLint flat config: typescript-eslint type-checked rules for all TypeScript, plus Palisade's
// own rules (eslint-rules/), e.g. every GraphQL resolver method must declare its access.
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
    files: ['eslint.config.js', 'eslint-rules/**'],
    ...tseslint.configs.disableTypeChecked,
  },
);
