/*
 * The fixer's promise, over every real project in ../shared/corpus: after
 * `sf eca prepare --no-retrieve --dev-hub-org-id … --consumer-id … --name <app>` (one run per app), `sf eca check`
 * passes, or fails only on findings that need a person's decision (a security setting in the Dev Hub, a secret to
 * rotate, an app that cannot be packaged). What remains is printed per project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { scopeOf } from '../src/lib/catalog.js';
import { loadCatalog } from '../src/lib/check.js';
import type { Finding } from '../src/lib/rules/index.js';
import { corpusProjects, writableCorpusCopy } from './helpers/corpus.js';
import { corpusMissing, describeWhen } from './helpers/requirements.js';
import { runPlugin, type RunResult } from './helpers/run.js';
import { tempDir } from './helpers/temp.js';

/** Ids for projects whose files name no org: a Dev Hub and a consumer that exist nowhere. */
const FAKE_HUB = '00D000000000001';
const FAKE_CONSUMER = '888000000000001';

/**
 * Findings that need a person, not the fixer: the security review's settings (changed in the Dev Hub or
 * acknowledged with a reason), secrets to remove and rotate, git history to clean, and apps that cannot be packaged.
 */
const NEEDS_A_PERSON = new Set([
  'pkce',
  'device-flow',
  'refresh-token-rotation',
  'refresh-token-policy',
  'client-credentials',
  'token-exchange',
  'code-credentials',
  'callback-insecure',
  'callback-localhost',
  'scope-full',
  'scope-web',
  'secret-in-source',
  'private-key',
  'rotation-flag',
  'global-settings-tracked',
  'saml',
  // the project's own .forceignore lines hide a Packaged app: prepare never rewrites the user's lines, and whether
  // the app belongs in the package is the person's call (the finding names the line)
  'forceignored-packageable',
]);

const HOME = tempDir('eca-corpus-prepared-home-');

function sf(dir: string, args: string[]): Promise<RunResult> {
  return runPlugin(args, { cwd: dir, home: HOME, timeoutMs: 300_000 });
}

const json = <T>(r: RunResult): T => JSON.parse(r.stdout) as T;

/** The org and consumer the project's own files name for an app, when they do. */
function idsOf(dir: string, listed: string[]): { hub?: string; consumer?: string } {
  // a run for an earlier app may have moved some of them out of the package directories
  const files = listed.filter((f) => existsSync(join(dir, f)));
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const link = /<oauthLink>\s*(00D\w{12}(?:\w{3})?):(888\w{12}(?:\w{3})?)\s*</.exec(text);
    if (link) return { hub: link[1].slice(0, 15), consumer: link[2].slice(0, 15) };
  }
  for (const file of files) {
    const scoped = /<orgScopedExternalApp>\s*(00D\w{12}(?:\w{3})?):/.exec(readFileSync(join(dir, file), 'utf8'));
    if (scoped) return { hub: scoped[1].slice(0, 15) };
  }
  return {};
}

const PROJECTS = corpusProjects();

describeWhen(corpusMissing(), 'prepare, then check, over the corpus', () => {
  it('finds the corpus', () => {
    expect(PROJECTS.length).toBeGreaterThanOrEqual(17);
  });

  it.each(PROJECTS)(
    '%s',
    async (project) => {
      const dir = writableCorpusCopy(project, 'eca-corpus-prepared-');

      const before = json<{ result: { apps: Array<{ name: string; files: string[] }> } }>(
        await sf(dir, ['eca', 'check', '--json']),
      );
      const runs: string[] = [];
      // prepare works on the apps a package build would carry; an app .forceignore hides is the person's call
      const catalog = await loadCatalog(dir);
      const hidden = (name: string): boolean =>
        catalog.apps.get(name)?.headers.every((h) => scopeOf(h) !== 'package') ?? true;
      for (const app of before.result.apps.filter((a) => !hidden(a.name))) {
        const ids = idsOf(dir, app.files);
        const hub = ids.hub ?? FAKE_HUB;
        const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', hub, '--name', app.name, '--json'];
        args.push('--consumer-id', ids.consumer ?? FAKE_CONSUMER);
        const run = await sf(dir, args);
        runs.push(`${app.name}: exit ${run.exitCode}`);
        // prepare itself may only pass, fail the gate, or refuse an app it cannot work on: never crash
        expect([0, 1, 2], `${project} ${app.name}\n${run.stdout}${run.stderr}`).toContain(run.exitCode);
        expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      }

      const after = await sf(dir, ['eca', 'check', '--json']);
      const findings = json<{ result: { findings: Finding[]; passed: boolean } }>(after).result;
      const blocking = findings.findings.filter((f) => f.severity === 'error' && !f.acknowledged);
      const counts = new Map<string, number>();
      for (const f of findings.findings)
        counts.set(`${f.severity} ${f.rule}`, (counts.get(`${f.severity} ${f.rule}`) ?? 0) + 1);
      const remaining = [...counts].map(([k, n]) => `${k}×${n}`).join(', ') || 'nothing';
      console.log(
        `corpus-prepared ${project} [${runs.join('; ') || 'no apps'}]: check ${findings.passed ? 'passed' : 'FAILED'}; remaining: ${remaining}`,
      );

      const fixable = blocking.filter((f) => !NEEDS_A_PERSON.has(f.rule));
      expect(
        fixable.map((f) => `${f.rule} ${f.file ?? ''}: ${f.message}`),
        'errors prepare could have fixed',
      ).toEqual([]);
      // a metadata-format copy beside its source twin is prepare's to move out (prasanth-personal's X.ecaOauth)
      expect(
        findings.findings.filter((f) => f.rule === 'mdapi-copy').map((f) => f.file),
        'metadata-format copies prepare leaves in a package directory',
      ).toEqual([]);
      expect(after.exitCode).toBe(findings.passed ? 0 : 1);
    },
    300_000,
  );
});
