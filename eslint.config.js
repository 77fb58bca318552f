// One lint setup for the whole repository. Project decisions are encoded as rules here:
// only web/src/shared/api may call fetch, XMLHttpRequest or EventSource; features never import each other; shared/ never
// imports features.
import { readdirSync } from 'node:fs'
import js from '@eslint/js'
import globals from 'globals'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

const features = (() => {
  try {
    return readdirSync(new URL('./web/src/features', import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  } catch {
    return []
  }
})()

const FETCH_MESSAGE =
  'Only web/src/shared/api talks to the server (fetch, XMLHttpRequest, EventSource); use the typed API client.'

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'contracts/openapi.json',
      'contracts/src/generated/**',
      'bff/src/db/migrations/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      'e2e/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'XMLHttpRequest', 'EventSource'].map((name) => ({ name, message: FETCH_MESSAGE })),
      ],
      'no-restricted-properties': [
        'error',
        ...['window', 'globalThis'].flatMap((object) =>
          ['fetch', 'XMLHttpRequest', 'EventSource'].map((property) => ({ object, property, message: FETCH_MESSAGE })),
        ),
      ],
    },
  },
  {
    files: ['web/src/shared/api/**/*.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
  {
    files: ['web/src/shared/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/features/*', '**/features/*'], message: 'shared/ never imports features.' }] },
      ],
    },
  },
  ...features.map((feature) => ({
    files: [`web/src/features/${feature}/**/*.{ts,vue}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/features/*', `!@/features/${feature}`, `!@/features/${feature}/**`, '../../../*'],
              message: 'Features never import each other; move shared code to web/src/shared.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['e2e/tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@playwright/test',
              importNames: ['test', 'expect'],
              allowTypeImports: true,
              message:
                "Import test and expect from e2e/support/test: a failed test then shows the console server's log.",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'bff/src/cli/**/*.ts',
      'bff/bench/**/*.ts',
      'bff/scan/**/*.ts',
      'contracts/scripts/**/*.ts',
      'scripts/**/*.mjs',
      'e2e/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
)
