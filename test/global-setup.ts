import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './helpers/build.js';

/**
 * The command tests run the built CLI, as a user does: bring the build up to date once, before any test file starts.
 * Every test file's HOME and TMPDIR go into one folder of the run (setup.ts), removed when the run ends, also when
 * vitest skipped a file's afterAll.
 */
export default function setup(): () => void {
  ensureBuilt();
  const runDir = mkdtempSync(join(tmpdir(), 'eca-test-run-'));
  process.env.ECA_TEST_RUN_DIR = runDir;
  return () => rmSync(runDir, { recursive: true, force: true });
}
