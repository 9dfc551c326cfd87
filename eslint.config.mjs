// Lint: typescript-eslint's recommended rules, plus DESIGN.md's dependency arrows and the
// purity of the language core and the decider (no clock, randomness, env or I/O there).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCoreBans = {
  'no-restricted-syntax': [
    'error',
    { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Pure core: take `now` as an argument.' },
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure core: take `now` as an argument.' },
    { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Pure core: take randomness as an argument.' },
    { selector: "Identifier[name='process']", message: 'Pure core: no environment access.' },
  ],
  'no-restricted-imports': [
    'error',
    { patterns: ['@nestjs/*', 'crypto', 'node:crypto', 'fs', 'node:fs', 'better-sqlite3', '@stepstone/*'] },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tmp/**', 'apps/console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // CommonJS entry points and the plain-JS example projects (Node globals, require).
    files: ['**/*.cjs', 'examples/**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly', test: 'readonly', expect: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['libs/asl/src/**/*.ts'], ignores: ['libs/asl/src/**/*.spec.ts'], rules: pureCoreBans },
  {
    files: ['libs/engine/src/execution/**/*.ts'],
    ignores: ['libs/engine/src/**/*.spec.ts', 'libs/engine/src/execution/testing/**'],
    rules: {
      ...pureCoreBans,
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'crypto', 'node:crypto', 'fs', 'node:fs', 'better-sqlite3', '@stepstone/event-store', '@stepstone/projections'] }],
    },
  },
  {
    // Libraries never import apps; projections only see the event store.
    files: ['libs/**/*.ts'],
    ignores: ['libs/asl/src/**', 'libs/engine/src/execution/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**'] }] },
  },
);
