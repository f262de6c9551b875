/*
 * `sf eca check` inside the real Salesforce CLI: the plugin linked into a fresh HOME, and installed from its tarball.
 * Run with `npm run test:e2e` (vitest.e2e.config.ts). Needs the sf binary that scripts/test.sh installs: without it the
 * suite fails under CI=true and scripts/test.sh, and is skipped with a printed warning only in an ad hoc run.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../helpers/requirements.js';
import { tempDir } from '../helpers/temp.js';
import { linkedSf, suiteProject } from '../helpers/sf-projects.js';
import { EXAMPLE, EXAMPLE_GLOBAL_SETTINGS_FILE } from '../fixtures/example.js';
import {
  PLUGIN_ROOT,
  SfRunResult,
  describeRun,
  installTarballInto,
  listFiles,
  makeHome,
  packPlugin,
  runSf,
  sfMissing,
} from './sf.js';

const HUB = '00D5g00000ABCDE';
const OTHER_HUB = '00D5g00000ZZZZZ';
/** the fake consumer secret in fixtures/failing; it must never be printed */
const SECRET = 'E2E0000FAKESECRETVALUE0000';
const STACK_LINE = /^\s+at .+[(:]\d+/m;

type Envelope = {
  status: number;
  result?: {
    passed: boolean;
    failOn: string;
    devHubOrgId?: string;
    summary: { errors: number; warnings: number; infos: number; acknowledged: number; apps: number; files: number };
    apps: Array<{ name: string; files: string[] }>;
    findings: Array<{
      rule: string;
      severity: string;
      app?: string;
      file?: string;
      line?: number;
      message: string;
      fix: string;
    }>;
  };
  warnings?: unknown[];
  name?: string;
  message?: string;
  exitCode?: number;
};

function envelope(r: SfRunResult): Envelope {
  expect(r.json, `stdout is not one JSON document:\n${describeRun(r)}`).toBeDefined();
  return r.json as unknown as Envelope;
}

function expectExit(r: SfRunResult, code: number): void {
  expect(r.exitCode, describeRun(r)).toBe(code);
}

describeWhen(sfMissing(), 'sf eca check in the real sf, plugin linked', () => {
  let home: string;
  let passing: string;
  let failing: string;
  let outside: string;

  beforeAll(async () => {
    ({ home, passing, failing } = await linkedSf('passing', 'failing'));
    outside = tempDir('eca-e2e-outside-');
  });

  it('sf plugins lists sf-plugin-eca as a link to the checkout', async () => {
    const r = await runSf(['plugins'], { home });
    expectExit(r, 0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^sf-plugin-eca \\d+\\.\\d+\\.\\d+\\S* \\(link\\) ${PLUGIN_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        'm',
      ),
    );
  });

  it('passes a ready project: exit 0, the summary line, nothing on stderr', async () => {
    const r = await runSf(['eca', 'check'], { cwd: passing, home });
    expectExit(r, 0);
    expect(r.stdout).toContain('0 errors, 0 warnings, 0 info, 0 acknowledged in 1 app (2 files): gate passed');
    expect(r.stdout).not.toContain('=== App');
    expect(r.stderr.trim(), describeRun(r)).toBe('');
  });

  it('checks the org ids against --dev-hub-org-id: right hub passes, another hub fails', async () => {
    const right = await runSf(['eca', 'check', '--dev-hub-org-id', HUB], { cwd: passing, home });
    expectExit(right, 0);
    expect(right.stdout).toContain('gate passed');

    const wrong = await runSf(['eca', 'check', '--dev-hub-org-id', OTHER_HUB, '--json'], { cwd: passing, home });
    expectExit(wrong, 1);
    const env = envelope(wrong);
    expect(env.status).toBe(1);
    expect(env.result?.devHubOrgId).toBe(OTHER_HUB);
    const rules = new Set(env.result?.findings.map((f) => f.rule));
    expect([...rules].sort()).toEqual(['oauth-link', 'org-scoped-app']);
    expect(env.result?.findings.find((f) => f.rule === 'org-scoped-app')?.message).toContain(OTHER_HUB);
  });

  it('fails a broken project: exit 1 and the findings table, without the secret', async () => {
    const r = await runSf(['eca', 'check'], { cwd: failing, home });
    expectExit(r, 1);
    expect(r.stdout).toContain('=== App Billing');
    expect(r.stdout).toMatch(/Severity\s*│\s*Rule\s*│\s*Location\s*│\s*Problem and fix/);
    for (const rule of ['forceignore', 'distribution-state', 'non-packageable', 'secret-in-source', 'oauth-link']) {
      expect(r.stdout, rule).toMatch(new RegExp(`│ error\\s+│ ${rule}\\s+│`));
    }
    expect(r.stdout).toContain('force-app/main/default/externalClientApps/Billing.eca-meta.xml:4');
    expect(r.stdout).toContain('distributionState is Local');
    expect(r.stdout).toContain(
      '6 errors, 0 warnings, 0 info, 0 acknowledged in 1 app (3 files): gate FAILED (--fail-on error)',
    );
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('--json: the sf envelope with status 1, the result and the findings', async () => {
    const r = await runSf(['eca', 'check', '--json'], { cwd: failing, home });
    expectExit(r, 1);
    const env = envelope(r);
    expect(env.status).toBe(1);
    expect(env.warnings).toEqual([]);
    expect(env.result).toMatchObject({
      passed: false,
      failOn: 'error',
      summary: { errors: 6, warnings: 0, infos: 0, acknowledged: 0, apps: 1, files: 3 },
      apps: [
        {
          name: 'Billing',
          files: [
            'force-app/main/default/externalClientApps/Billing.eca-meta.xml',
            'force-app/main/default/extlClntAppGlobalOauthSets/Billing_glbloauth.ecaGlblOauth-meta.xml',
            'force-app/main/default/extlClntAppOauthSettings/Billing_oauth.ecaOauth-meta.xml',
          ],
        },
      ],
    });
    const findings = env.result!.findings;
    expect(findings.map((f) => f.rule).sort()).toEqual(
      ['distribution-state', 'forceignore', 'forceignore', 'non-packageable', 'oauth-link', 'secret-in-source'].sort(),
    );
    for (const f of findings) {
      expect(f.severity).toBe('error');
      expect(f.app).toBe('Billing');
      expect(f.fix.length).toBeGreaterThan(0);
    }
    expect(findings.find((f) => f.rule === 'secret-in-source')).toMatchObject({
      file: 'force-app/main/default/extlClntAppGlobalOauthSets/Billing_glbloauth.ecaGlblOauth-meta.xml',
      line: 5,
    });
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr.trim()).toBe('');
  });

  it('--json on a ready project: status 0 and passed', async () => {
    const r = await runSf(['eca', 'check', '--dev-hub-org-id', HUB, '--json'], { cwd: passing, home });
    expectExit(r, 0);
    const env = envelope(r);
    expect(env.status).toBe(0);
    expect(env.result).toMatchObject({
      passed: true,
      devHubOrgId: HUB,
      summary: { errors: 0, apps: 1, files: 2 },
      findings: [],
    });
  });

  it('--junit writes a JUnit report with one failing case per failing rule', async () => {
    const flat = await runSf(['eca', 'check', '--junit', 'eca-check.xml'], { cwd: failing, home });
    expectExit(flat, 1);
    expect(flat.stdout).toContain('JUnit report written to eca-check.xml');
    const xml = await readFile(join(failing, 'eca-check.xml'), 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sf eca check" tests="\d+" failures="5" skipped="2">/,
    );
    expect(xml).toContain('<testsuite name="Billing"');
    for (const rule of ['forceignore', 'distribution-state', 'non-packageable', 'secret-in-source', 'oauth-link']) {
      expect(xml, rule).toMatch(new RegExp(`<testcase classname="eca.Billing" name="${rule}"><failure `));
    }
    expect(xml).toMatch(/<testcase classname="eca.Billing" name="pkce"><\/testcase>/);
    expect(xml).not.toContain(SECRET);

    const ok = await runSf(['eca', 'check', '--junit', 'ok.xml'], { cwd: passing, home });
    expectExit(ok, 0);
    const okXml = await readFile(join(passing, 'ok.xml'), 'utf8');
    expect(okXml).toMatch(/<testsuites name="sf eca check" tests="\d+" failures="0" skipped="2">/);
    expect(okXml).not.toContain('<failure');
  });

  it('--junit into a folder that does not exist creates the folder', async () => {
    const r = await runSf(['eca', 'check', '--junit', 'reports/ci/eca-check.xml'], { cwd: passing, home });
    expect(r.stderr).not.toMatch(STACK_LINE);
    expectExit(r, 0);
    expect(readFileSync(join(passing, 'reports', 'ci', 'eca-check.xml'), 'utf8')).toContain('<testsuites');
  });

  it('--help shows every flag and the EXIT CODES section', async () => {
    const r = await runSf(['eca', 'check', '--help'], { home });
    expectExit(r, 0);
    for (const flag of [
      '-d, --source-dir',
      '--dev-hub-org-id',
      '-v, --target-dev-hub',
      '--api-version',
      '--fail-on',
      '--junit',
      '--json',
      '--flags-dir',
    ]) {
      expect(r.stdout, flag).toContain(flag);
    }
    expect(r.stdout).toContain('<options: error|warning>');
    const exitCodes = r.stdout.slice(r.stdout.indexOf('EXIT CODES'));
    expect(exitCodes).toMatch(/^EXIT CODES\n\s+0\s+The gate passed/m);
    expect(exitCodes).toMatch(/^\s+1\s+The gate failed/m);
    expect(exitCodes).toMatch(/^\s+2\s+The check could not run/m);
  });

  it('outside a project: exit 2, a message naming sfdx-project.json, no stack trace', async () => {
    const r = await runSf(['eca', 'check'], { cwd: outside, home });
    expectExit(r, 2);
    expect(r.stderr).toContain('sfdx-project.json');
    expect(r.stderr).toContain('NoProjectError');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).not.toMatch(STACK_LINE);

    const json = await runSf(['eca', 'check', '--json'], { cwd: outside, home });
    expectExit(json, 2);
    expect(envelope(json)).toMatchObject({ status: 2, exitCode: 2, name: 'NoProjectError' });
    expect(envelope(json).message).toContain('sfdx-project.json');
  });

  it('a bad --dev-hub-org-id or --source-dir: exit 2, no stack trace', async () => {
    const badId = await runSf(['eca', 'check', '--dev-hub-org-id', 'not-an-id'], { cwd: passing, home });
    expectExit(badId, 2);
    expect(badId.stderr).toContain('is not an org id');
    expect(badId.stderr).not.toMatch(STACK_LINE);

    const badDir = await runSf(['eca', 'check', '--source-dir', 'no-such-folder'], { cwd: passing, home });
    expectExit(badDir, 2);
    expect(badDir.stderr).toContain('no-such-folder');
    expect(badDir.stderr).not.toMatch(STACK_LINE);
  });

  // Inside sf an oclif parse error carries sf's default exit code (1) in `oclif.exit`, which sf-plugins-core reads
  // before `exitCode`: the commands set both, so a bad option value is "could not run", never "gate failed".
  it('an invalid --fail-on value: exit 2 as EXIT CODES documents', async () => {
    const r = await runSf(['eca', 'check', '--fail-on', 'sometimes'], { cwd: passing, home });
    expect(r.stderr).toContain('Expected --fail-on=sometimes to be one of: error, warning');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expectExit(r, 2);
  });

  // The example as git has it (README: run it in place): the Dev Hub's global settings are not committed (its
  // eca-source-org/.gitignore keeps them out), so git tracks none and the gate passes.
  it('examples/acme-isv in place, in the git checkout: passes, nothing about tracked global settings', async () => {
    const r = await runSf(['eca', 'check'], { cwd: EXAMPLE, home });
    expectExit(r, 0);
    expect(r.stdout).not.toContain('global-settings-tracked');
    expect(r.stdout).toMatch(/│ warning \(ack\) │ scope-full\s+│ force-app\/main\/default\/extlClntAppOauthSettings\//);
    // one outside-package note per source-org file there is (a retrieve may have added the ignored global settings)
    const sourceOrgFiles = (await listFiles(join(EXAMPLE, 'eca-source-org'))).filter((f) => f.endsWith('-meta.xml'));
    expect(r.stdout).toContain(
      `0 errors, 0 warnings, ${sourceOrgFiles.length} info, 1 acknowledged in 1 app (${sourceOrgFiles.length + 2} files): gate passed`,
    );
    expect(r.stderr).not.toMatch(STACK_LINE);

    const json = await runSf(['eca', 'check', '--json'], { cwd: EXAMPLE, home });
    expectExit(json, 0);
    const env = envelope(json);
    expect(env.status).toBe(0);
    expect(env.result?.passed).toBe(true);
    expect(env.result?.findings.map((f) => f.rule)).not.toContain('global-settings-tracked');
  });

  it('examples/acme-isv after a retrieve put its global settings beside it: still passes, the file noted as outside', async () => {
    const project = suiteProject('example');
    const r = await runSf(['eca', 'check', '--json'], { cwd: project, home });
    expectExit(r, 0);
    const env = envelope(r);
    expect(env.status).toBe(0);
    expect(env.result?.summary).toMatchObject({ errors: 0, warnings: 0, infos: 3, acknowledged: 1, apps: 1, files: 5 });
    expect(env.result?.findings).toContainEqual(
      expect.objectContaining({ rule: 'outside-package', file: EXAMPLE_GLOBAL_SETTINGS_FILE, severity: 'info' }),
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describeWhen(sfMissing(), 'sf eca check in the real sf, plugin installed from its npm pack tarball', () => {
  let home: string;
  let packDir: string;
  let passing: string;
  let installMs = 0;

  // Measured here: npm pack 0.9 s, `sf plugins install file:…tgz` 30 s with an empty npm cache (deps from the registry).
  beforeAll(async () => {
    home = await makeHome();
    packDir = tempDir('eca-e2e-pack-');
    passing = suiteProject('passing');
    const tgz = await packPlugin(packDir);
    const install = await installTarballInto(home, tgz);
    installMs = install.ms;
    console.log(`[e2e] sf plugins install file:${tgz} took ${installMs} ms`);
  }, 300_000);

  it('sf plugins lists sf-plugin-eca as an installed (not linked) plugin', async () => {
    const r = await runSf(['plugins'], { home });
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^sf-plugin-eca \d+\.\d+\.\d+\S*$/m);
    expect(r.stdout).not.toContain('(link)');
  });

  it('the installed plugin runs sf eca check: exit 0 and --json', async () => {
    const r = await runSf(['eca', 'check', '--dev-hub-org-id', HUB, '--json'], { cwd: passing, home });
    expectExit(r, 0);
    expect(envelope(r)).toMatchObject({ status: 0, result: { passed: true, summary: { apps: 1, files: 2 } } });
    expect(r.stderr.trim()).toBe('');
  });

  it('the installed plugin shows the EXIT CODES section in --help', async () => {
    const r = await runSf(['eca', 'check', '--help'], { home });
    expectExit(r, 0);
    expect(r.stdout).toContain('EXIT CODES');
    expect(r.stdout).toContain('--dev-hub-org-id');
  });
});
