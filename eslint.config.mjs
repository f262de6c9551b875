import tseslint from 'typescript-eslint';
import { fixupPluginRules } from '@eslint/compat';
import sfPlugin from 'eslint-plugin-sf-plugin';

export default tseslint.config(
  {
    ignores: [
      'lib/**',
      'node_modules/**',
      'test_session*/**',
      '**/*.mjs',
      '**/*.js',
      'vitest*.ts',
      'test/fixtures/**',
      'examples/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    rules: {
      ...sfPlugin.configs.recommended.rules,
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
