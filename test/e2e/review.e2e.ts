/*
 * `sf eca review` inside the real Salesforce CLI, the plugin linked into a fresh HOME: the documents, the exit codes,
 * the help's EXIT CODES and no secret anywhere. Run with `npm run test:e2e`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../helpers/requirements.js';
import { copyProject, describeRun, linkPluginInto, makeHome, runSf, sfMissing } from './sf.js';

/** the fake consumer secret in fixtures/failing; it must never be printed or written */
const SECRET = 'E2E0000FAKESECRETVALUE0000';

describeWhen(sfMissing(), 'sf eca review in the real sf, plugin linked', () => {
  let home: string;
  let passing: string;
  let failing: string;

  beforeAll(async () => {
    home = await makeHome();
    await linkPluginInto(home);
    passing = await copyProject('passing');
    failing = await copyProject('failing');
  });

  afterAll(async () => {
    for (const dir of [home, passing, failing]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('help ends with the exit codes of the review', async () => {
    const r = await runSf(['eca', 'review', '--help'], { home });
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/EXIT CODES\s+0\s+The documents were written and a reviewer has nothing to raise/);
  });

  it('a ready project: exit 0, both Markdown documents, nothing on stderr', async () => {
    const r = await runSf(['eca', 'review', '--output-dir', 'review'], { cwd: passing, home });
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(readdirSync(join(passing, 'review')).sort()).toEqual(['post-install-guide.md', 'security-review-packet.md']);
    expect(r.stdout).toContain('nothing for a reviewer to raise');
    expect(r.stderr.trim(), describeRun(r)).toBe('');
  });

  it('a project with a committed secret: exit 1, HTML pages that list the finding and hold no secret', async () => {
    const r = await runSf(['eca', 'review', '--format', 'html', '--output-dir', 'review', '--json'], {
      cwd: failing,
      home,
    });
    expect(r.exitCode, describeRun(r)).toBe(1);
    const packet = readFileSync(join(failing, 'review', 'security-review-packet.html'), 'utf8');
    expect(packet).toContain('secret-in-source');
    for (const text of [
      packet,
      readFileSync(join(failing, 'review', 'post-install-guide.html'), 'utf8'),
      r.stdout,
      r.stderr,
    ]) {
      expect(text).not.toContain(SECRET);
    }
    expect((r.json as { result: { ready: boolean } }).result.ready).toBe(false);
  });
});
