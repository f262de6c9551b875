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
      // every command extends EcaCommand (src/lib/command.ts), an SfCommand that adds no flags of its own, only the
      // exit codes in help and the error mapping that every command shares
      'sf-plugin/only-extend-SfCommand': 'off',
      'sf-plugin/spread-base-flags': 'off',
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
