/*
 * `sf eca review` as a user runs it: the built CLI in a copy of a fixture project, offline and against an emulated
 * Dev Hub on 127.0.0.1 (its apps, their global settings with a consumer secret, and its security posture).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOrg } from '../helpers/emulator/auth.js';
import { OrgEmulator } from '../helpers/emulator/org-emulator.js';
import { hardenedPosture } from '../helpers/emulator/posture.js';
import { leftoversIn } from '../helpers/temp.js';
import { exampleCopy } from '../fixtures/example.js';
import { HUB_ID15, REPO, SECRET, allText, copyProject, hubApp, runCli, snapshot, tempDir } from './support.js';

/** The org that owns the bundled example's app (its orgScopedExternalApp and oauthLink name it). */
const ACME_HUB_ID = '00D8c00000Ac9ZxAAA';

let hub: OrgEmulator;
let plain: OrgEmulator;
const home = tempDir('eca-review-home-');

/** A copy of a project; the bundled example with its global settings seeded, as after prepare retrieved them. */
const projectCopy = (from: string): string =>
  from === 'examples/acme-isv'
    ? exampleCopy('eca-review-project-')
    : copyProject(join(REPO, from), 'eca-review-project-');

beforeAll(async () => {
  hub = await OrgEmulator.start({
    orgId: ACME_HUB_ID,
    username: 'admin@review-hub.example',
    isDevHub: true,
    components: hubApp({ name: 'Acme_Connector', distributionState: 'Packaged', consumerId: '8888c000000Qm3T' }).map(
      (c) => ({
        ...c,
        xml: c.xml.replaceAll(HUB_ID15, ACME_HUB_ID.slice(0, 15)),
      }),
    ),
    posture: hardenedPosture(),
  });
  plain = await OrgEmulator.start({ orgId: '00D5g00000PLAINAAA', username: 'admin@plain.example', isDevHub: false });
  await registerOrg(hub, { home, alias: 'hub' });
  await registerOrg(plain, { home, alias: 'plain', cacheIsDevHub: false });
});

afterAll(async () => Promise.all([hub?.stop(), plain?.stop()]));

describe('sf eca review (offline)', () => {
  it('writes the packet and the guide in Markdown; exit 1 while a reviewer has something to raise; a second run changes nothing', async () => {
    const project = projectCopy('test/fixtures/review');
    const run = await runCli(['eca', 'review', '--json'], { cwd: project, home });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const result = run.json!.result;
    expect(result.files.map((f: { path: string; state: string }) => [f.path, f.state])).toEqual([
      [join(project, 'security-review-packet.md'), 'written'],
      [join(project, 'post-install-guide.md'), 'written'],
    ]);
    expect(result.disclosure.apps.map((a: { name: string }) => a.name)).toEqual([
      'Ledger_Sync',
      'Partner_Portal',
      'Legacy_Reports',
    ]);
    expect(result).toMatchObject({ apps: 3, ready: false, format: 'markdown', postureFailures: 0 });
    // Partner Portal: token exchange and Web and Full without justification, the device flow; Legacy Reports: Full
    expect(result.unjustified).toBe(5);
    const packet = readFileSync(join(project, 'security-review-packet.md'), 'utf8');
    expect(packet).toContain('| Device | **forbidden** |');
    expect(packet).toContain('Not read: run `sf eca review --target-dev-hub <alias>` to add it.');
    expect(readFileSync(join(project, 'post-install-guide.md'), 'utf8')).toContain('Run As (Username)');

    const before = snapshot(project);
    const again = await runCli(['eca', 'review', '--json'], { cwd: project, home });
    expect(again.json!.result.files.map((f: { state: string }) => f.state)).toEqual(['unchanged', 'unchanged']);
    expect(snapshot(project)).toEqual(before);
  });

  it('--format html --output-dir writes two self-contained pages; --dry-run writes nothing', async () => {
    const project = projectCopy('examples/acme-isv');
    const dry = await runCli(['eca', 'review', '--format', 'html', '--output-dir', 'review', '--dry-run'], {
      cwd: project,
      home,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Would write ${join(project, 'review', 'security-review-packet.html')}`);
    expect(existsSync(join(project, 'review'))).toBe(false);

    const run = await runCli(['eca', 'review', '--format', 'html', '--output-dir', 'review'], { cwd: project, home });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(project, 'review')).sort()).toEqual([
      'post-install-guide.html',
      'security-review-packet.html',
    ]);
    const page = readFileSync(join(project, 'review', 'security-review-packet.html'), 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toMatch(/<(script|link|img)\b/i);
    expect(run.stdout).toMatch(/1 app\(s\) in the package, 0 open finding\(s\).*nothing for a reviewer to raise/);
  });

  it('a bad flag, an output folder inside a package directory or no sfdx-project.json cannot run: exit 2, nothing written', async () => {
    const project = projectCopy('examples/acme-isv');
    const bad = await runCli(['eca', 'review', '--format', 'pdf', '--json'], { cwd: project, home });
    expect(bad.code).toBe(2);
    const inside = await runCli(['eca', 'review', '--output-dir', 'force-app/docs', '--json'], { cwd: project, home });
    expect(inside.code).toBe(2);
    expect(inside.json?.message).toMatch(/inside the package directory/);
    expect(existsSync(join(project, 'force-app/docs'))).toBe(false);
    const empty = tempDir('eca-review-empty-');
    const none = await runCli(['eca', 'review', '--json'], { cwd: empty, home });
    expect(none.code).toBe(2);
    expect(none.json?.name).toBe('NoProjectError');
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe('sf eca review --target-dev-hub', () => {
  it("adds the consumer key and the hub's posture, never the secret, and leaves no temp file", async () => {
    const project = projectCopy('examples/acme-isv');
    const run = await runCli(['eca', 'review', '--target-dev-hub', 'hub', '--json'], { cwd: project, home });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = run.json!.result;
    expect(result.disclosure.apps[0].consumerKey).toEqual({ value: '3MVG9fakeKeyAcme_Connector', source: 'Dev Hub' });
    expect(result.posture.checks.map((c: { verdict: string }) => c.verdict)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    const packet = readFileSync(join(project, 'security-review-packet.md'), 'utf8');
    expect(packet).toContain('| Consumer key | `3MVG9fakeKeyAcme_Connector` (from `Dev Hub`) |');
    expect(packet).toContain('## Dev Hub posture (`admin@review-hub.example`)');
    expect(allText(project)).not.toContain(SECRET);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(leftoversIn(run.tmp)).toEqual([]);
  });

  it('a failing posture check makes the run exit 1 and is listed with its Setup path', async () => {
    const project = projectCopy('examples/acme-isv');
    hub.posture!.externalClientAppSettings.restSecretAccess = true;
    try {
      const run = await runCli(['eca', 'review', '--target-dev-hub', 'hub'], { cwd: project, home });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain('1 posture check(s) failed');
      const packet = readFileSync(join(project, 'security-review-packet.md'), 'utf8');
      expect(packet).toContain('| Consumer secrets through the API | **fail** |');
      expect(packet).toContain('consumer secrets are readable through the REST API');
    } finally {
      hub.posture = hardenedPosture();
    }
  });

  it('an org that is not a Dev Hub cannot run: exit 2 with what to do', async () => {
    const project = projectCopy('examples/acme-isv');
    const run = await runCli(['eca', 'review', '--target-dev-hub', 'plain', '--json'], { cwd: project, home });
    expect(run.code).toBe(2);
    expect(run.json?.name).toBe('NotADevHubError');
    expect(existsSync(join(project, 'security-review-packet.md'))).toBe(false);
  });
});
