import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // Spreading an input-sized array into a call overflows the stack past ~100k elements.
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(push|unshift|max|min|fromCharCode|fromCodePoint|assign)$/] > SpreadElement", message: 'spreads every element into call arguments (stack overflow on large inputs): use pushAll / maxOf from src/util/arrays.ts or a loop' },
      ],
    },
  },
  {
    // Plain Node scripts (TypeScript files get Node's globals from @types/node).
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
);
