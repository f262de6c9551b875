import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // every file: a hermetic environment, its own HOME and TMPDIR, and a check that nothing is left in it
    setupFiles: ['test/helpers/setup.ts'],
    // a process per file, so HOME and TMPDIR set by the setup are what os.homedir() and os.tmpdir() return
    pool: 'forks',
    reporters: ['default', ['./test/helpers/count-reporter.ts', { label: 'unit' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      // each fixture is a project of its own: git must not see the plugin's repository around it (which tracks the
      // fixtures' global settings) when a rule asks what git would commit
      GIT_CEILING_DIRECTORIES: fileURLToPath(new URL('test/fixtures', import.meta.url)),
    },
  },
});
