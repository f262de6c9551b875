/*
 * Runs before every test file (vitest setupFiles): the file gets a hermetic environment (env.ts) with a HOME and a
 * TMPDIR of its own, and fails if anything is left in that TMPDIR when it ends (temp.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { scrubProcessEnv } from './env.js';
import { collectLeftovers } from './temp.js';

const root = mkdtempSync(join(process.env.ECA_TEST_RUN_DIR ?? tmpdir(), 'eca-test-file-'));
const home = join(root, 'home');
const tmp = join(root, 'tmp');
mkdirSync(home);
mkdirSync(tmp);
scrubProcessEnv(home, tmp);

afterAll(() => {
  const problems = collectLeftovers(tmp);
  rmSync(root, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`left behind after the tests:\n${problems.join('\n')}`);
});
