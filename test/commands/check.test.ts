/*
 * `sf eca check` as a user runs it: the built CLI (bin/run.js) in a copy of a fixture project, with a clean HOME.
 * Table, summary line, --json envelope, --junit file, exit codes 0/1/2 and every flag.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES, type Finding } from '../../src/lib/rules/index.js';
import { parseXml } from '../../src/lib/xml.js';
import { copyToTemp, fixturePath, IDS, SECRET_VALUES, type FixtureName } from '../fixtures/fixtures.js';
import { runPluginSync } from '../helpers/run.js';

const MD = 'force-app/main/default';
const HOME = mkdtempSync(join(tmpdir(), 'eca-check-home-'));
const cleanups: Array<() => void> = [() => rmSync(HOME, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

type Run = { status: number | null; stdout: string; stderr: string; dir: string };

/** A copy of the fixture in a temp folder (or an empty folder), with `eca check` run in it. */
function run(fixture: FixtureName | undefined, ...args: string[]): Run {
  let dir: string;
  if (fixture) {
    const copy = copyToTemp(fixturePath(fixture), 'eca-check-');
    cleanups.push(copy.cleanup);
    dir = copy.dir;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'eca-check-empty-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  }
  return runIn(dir, ...args);
}

function runIn(dir: string, ...args: string[]): Run {
  const r = runPluginSync(['eca', 'check', ...args], { cwd: dir, home: HOME });
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr, dir };
}

const lines = (text: string): string[] => text.split('\n');
const SUMMARY =
  /^\d+ errors?, \d+ warnings?, \d+ info, \d+ acknowledged in \d+ apps? \(\d+ files?\): gate (passed|FAILED \(--fail-on (error|warning)\))$/;
const summaryOf = (r: Run): string | undefined => lines(r.stdout).find((l) => SUMMARY.test(l));
/** the table row of a rule at a location */
const row = (r: Run, rule: string, location: string): string | undefined =>
  lines(r.stdout).find((l) => l.includes(` ${rule} `) && l.includes(` ${location} `));
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

function expectNoStackTrace(r: Run): void {
  expect(r.stdout).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(STACK);
}

type JsonEnvelope = {
  status: number;
  result: {
    passed: boolean;
    failOn: string;
    devHubOrgId?: string;
    summary: Record<string, number>;
    apps: Array<{ name: string; files: string[] }>;
    findings: Finding[];
  };
  warnings: unknown[];
};
const json = (r: Run): JsonEnvelope => JSON.parse(r.stdout) as JsonEnvelope;

describe('sf eca check: the report', () => {
  it('prints a table per app with findings, the summary line, and writes the JUnit file; exit 1', () => {
    const r = run('several-apps', '--junit', 'eca-check.xml');
    expect(r.status).toBe(1);
    expectNoStackTrace(r);
    const titles = lines(r.stdout).filter((l) => l.startsWith('=== '));
    expect(titles).toEqual([
      '=== App Beta_Local',
      '=== App Delta_Unlinked',
      '=== App Epsilon_Malformed',
      '=== App Gamma_Renamed',
    ]);
    expect(r.stdout).toMatch(/Severity .*Rule .*Location .*Problem and fix/);
    expect(row(r, 'distribution-state', `${MD}/externalClientApps/Beta_Local.eca-meta.xml:5`)).toMatch(
      /error .*distributionState is Local; .*\. Fix: Set distributionState to Packaged/,
    );
    expect(row(r, 'org-scoped-app', `${MD}/externalClientApps/Gamma_Renamed.eca-meta.xml:8`)).toContain(
      'orgScopedExternalApp names the app Gamma_Old',
    );
    expect(summaryOf(r)).toBe(
      '6 errors, 0 warnings, 0 info, 0 acknowledged in 5 apps (8 files): gate FAILED (--fail-on error)',
    );
    expect(r.stdout).toContain('JUnit report written to eca-check.xml.');

    const xml = readFileSync(join(r.dir, 'eca-check.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const root = parseXml(xml).root;
    expect(root.attributes).toMatchObject({ tests: String(5 * RULES.length), failures: '6' });
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.failures])).toEqual([
      ['Alpha_Sync', '0'],
      ['Beta_Local', '1'],
      ['Delta_Unlinked', '2'],
      ['Epsilon_Malformed', '2'],
      ['Gamma_Renamed', '1'],
    ]);
    const failures = suites.flatMap((s) =>
      s.children
        .filter((c) => c.children.some((x) => x.name === 'failure'))
        .map((c) => `${s.attributes.name}:${c.attributes.name}`),
    );
    expect(failures).toEqual([
      'Beta_Local:distribution-state',
      'Delta_Unlinked:org-scoped-app',
      'Delta_Unlinked:oauth-link',
      'Epsilon_Malformed:org-scoped-app',
      'Epsilon_Malformed:oauth-link',
      'Gamma_Renamed:org-scoped-app',
    ]);
  });

  it('--json: the envelope with status, result.findings and result.summary', () => {
    const r = run('several-apps', '--json');
    expect(r.status).toBe(1);
    const out = json(r);
    expect(out.status).toBe(1);
    expect(out.result.passed).toBe(false);
    expect(out.result.failOn).toBe('error');
    expect(out.result.summary).toEqual({ errors: 6, warnings: 0, infos: 0, acknowledged: 0, apps: 5, files: 8 });
    expect(out.result.apps.map((a) => a.name)).toEqual([
      'Alpha_Sync',
      'Beta_Local',
      'Delta_Unlinked',
      'Epsilon_Malformed',
      'Gamma_Renamed',
    ]);
    expect(out.result.findings).toHaveLength(6);
    expect(out.result.findings[0]).toEqual({
      rule: 'distribution-state',
      severity: 'error',
      app: 'Beta_Local',
      file: `${MD}/externalClientApps/Beta_Local.eca-meta.xml`,
      line: 5,
      message: 'distributionState is Local; only Packaged apps can go in a 2GP managed package',
      fix: 'Set distributionState to Packaged (sf eca prepare does it), or move the app out of the package directory.',
      scope: 'package',
    });
    for (const f of out.result.findings)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['rule', 'severity', 'app', 'file', 'line', 'message', 'fix']),
      );
  });

  it('exit 0 when the gate passes; infos are shown but do not fail it', () => {
    const r = run('packaged-2gp');
    expect(r.status).toBe(0);
    expect(lines(r.stdout).filter((l) => l.startsWith('=== '))).toEqual(['=== App Contoso_Sync']);
    expect(
      row(
        r,
        'outside-package',
        'eca-source-org/extlClntAppGlobalOauthSets/Contoso_Sync_glbloauth.ecaGlblOauth-meta.xml:1',
      ),
    ).toMatch(/info/);
    expect(summaryOf(r)).toBe('0 errors, 0 warnings, 3 info, 0 acknowledged in 1 app (5 files): gate passed');
    expect(r.stderr).toBe('');
  });

  it('a project with apps and no finding prints only the summary line', () => {
    const r = run('header-only-2gp');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0 errors, 0 warnings, 0 info, 0 acknowledged in 1 app (1 file): gate passed');
  });

  it('a project without ECA says so and exits 0', () => {
    const r = run('no-eca');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`No External Client App files were found in ${r.dir}.`);
    const j = run('no-eca', '--json');
    expect(j.status).toBe(0);
    expect(json(j).result).toMatchObject({ passed: true, findings: [], summary: { apps: 0, files: 0 } });
  });

  it('bad input (binary, empty, UTF-16, broken XML) gives findings naming file and line, never a stack trace', () => {
    const r = run('bad-files', '--junit', 'report.xml');
    expect(r.status).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout).filter((l) => l.startsWith('=== '))[0]).toBe('=== Project');
    expect(row(r, 'xml-malformed', `${MD}/externalClientApps/Binary.eca-meta.xml:1`)).toContain(
      'the file is binary, not XML',
    );
    expect(row(r, 'xml-malformed', `${MD}/externalClientApps/Empty.eca-meta.xml:1`)).toContain('the file is empty');
    expect(row(r, 'xml-malformed', `${MD}/externalClientApps/Utf16.eca-meta.xml:1`)).toContain('UTF-16');
    expect(row(r, 'xml-malformed', `${MD}/externalClientApps/Broken_Xml.eca-meta.xml:4`)).toContain(
      "Expected closing tag 'label'",
    );
    expect(row(r, 'xml-root', `${MD}/externalClientApps/Wrong_Root.eca-meta.xml:2`)).toContain(
      'The root element is <ExtlClntAppOauthSettings>',
    );
    expect(row(r, 'xml-root', `${MD}/externalClientApps/Wrong_Ns.eca-meta.xml:2`)).toContain(
      'namespace is http://soap.sforce.com/2006/04/metadata/wrong',
    );
    expect(XMLValidator.validate(readFileSync(join(r.dir, 'report.xml'), 'utf8'))).toBe(true);
  });

  it('the bundled example passes and shows its acknowledged finding', () => {
    const r = run('examples/acme-isv');
    expect(r.status).toBe(0);
    expect(row(r, 'scope-full', `${MD}/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml:3`)).toMatch(
      /warning \(ack\) .*\[acknowledged: The connector deploys and retrieves metadata for the subscriber admin/,
    );
    expect(summaryOf(r)).toBe('0 errors, 0 warnings, 3 info, 1 acknowledged in 1 app (5 files): gate passed');
  });
});

describe('sf eca check: acknowledgements', () => {
  it('an acknowledged finding passes with its reason; one that matches nothing is reported', () => {
    const r = run('acknowledged');
    expect(r.status).toBe(0);
    expect(row(r, 'scope-full', `${MD}/extlClntAppOauthSettings/Ack_App_oauth.ecaOauth-meta.xml:3`)).toMatch(
      /warning \(ack\) .*\[acknowledged: The connector administers metadata on behalf of the subscriber admin\.\]/,
    );
    const titles = lines(r.stdout).filter((l) => l.startsWith('=== '));
    expect(titles).toEqual(['=== Project', '=== App Ack_App']);
    expect(row(r, 'ack-unmatched', 'sfdx-project.json:21')).toContain(
      'The acknowledgement of scope-web (app Ack_App) matches no finding',
    );
    expect(summaryOf(r)).toBe('0 errors, 1 warning, 0 info, 1 acknowledged in 1 app (2 files): gate passed');
  });

  it('the unmatched acknowledgement fails the gate with --fail-on warning', () => {
    const r = run('acknowledged', '--fail-on', 'warning', '--json');
    expect(r.status).toBe(1);
    const out = json(r).result;
    expect(out.failOn).toBe('warning');
    expect(out.findings.map((f) => [f.rule, f.acknowledged ?? null])).toEqual([
      ['ack-unmatched', null],
      ['scope-full', 'The connector administers metadata on behalf of the subscriber admin.'],
    ]);
  });
});

describe('sf eca check: flags', () => {
  it('--fail-on warning fails the gate on a warning that passes by default', () => {
    const byDefault = run('mdapi-copies');
    expect(byDefault.status).toBe(0);
    expect(summaryOf(byDefault)).toBe('0 errors, 1 warning, 0 info, 0 acknowledged in 1 app (3 files): gate passed');
    const strict = run('mdapi-copies', '--fail-on', 'warning');
    expect(strict.status).toBe(1);
    expect(summaryOf(strict)).toBe(
      '0 errors, 1 warning, 0 info, 0 acknowledged in 1 app (3 files): gate FAILED (--fail-on warning)',
    );
  });

  it('--source-dir limits the check to the folders given, and may be repeated', () => {
    const whole = run('outside-package');
    // the runtime scope names in eca-source/ fail no gate: no package build reads that folder
    expect(whole.status).toBe(0);
    expect(whole.stdout).toContain('eca-source/extlClntAppOauthSettings/Outside_App.ecaOauth-meta.xml');
    const packageOnly = runIn(whole.dir, '--source-dir', 'force-app');
    expect(packageOnly.status).toBe(0);
    expect(packageOnly.stdout).not.toContain('eca-source/');
    expect(summaryOf(packageOnly)).toBe('0 errors, 0 warnings, 0 info, 0 acknowledged in 1 app (2 files): gate passed');
    const both = runIn(whole.dir, '--source-dir', 'force-app', '-d', 'eca-source', '--json');
    expect(both.status).toBe(0);
    expect(json(both).result.summary).toMatchObject({ files: 5, errors: 0 });
  });

  it('--dev-hub-org-id compares on 15 characters and reports another Dev Hub', () => {
    // the files hold 15-character ids; the flag gets the 18-character form of the same org
    const long = run('packaged-2gp', '--dev-hub-org-id', IDS.ORG_A18, '--json');
    const dir = long.dir;
    expect(long.status).toBe(0);
    expect(json(long).result.devHubOrgId).toBe(IDS.ORG_A18);
    const other = runIn(dir, '--dev-hub-org-id', IDS.ORG_B);
    expect(other.status).toBe(1);
    expect(row(other, 'org-scoped-app', `${MD}/externalClientApps/Contoso_Sync.eca-meta.xml:8`)).toContain(
      `orgScopedExternalApp names org ${IDS.ORG_A}, not the Dev Hub ${IDS.ORG_B}`,
    );
    expect(row(other, 'oauth-link', `${MD}/extlClntAppOauthSettings/Contoso_Sync_oauth.ecaOauth-meta.xml:7`)).toContain(
      `oauthLink points at org ${IDS.ORG_A}, not the Dev Hub ${IDS.ORG_B}`,
    );
  });

  it('no secret value reaches the table, --json or --junit', () => {
    const table = run('secrets', '--junit', 'junit.xml');
    expect(table.status).toBe(1);
    expect(row(table, 'secret-in-source', `${MD}/connectedApps/Legacy_Api.connectedApp-meta.xml:9`)).toContain(
      'consumerSecret holds a secret value (not shown)',
    );
    expect(row(table, 'private-key', 'certs/vault-jwt.key:2')).toContain('The file holds a private key (not shown)');
    const asJson = runIn(table.dir, '--json');
    const junit = readFileSync(join(table.dir, 'junit.xml'), 'utf8');
    for (const secret of SECRET_VALUES) {
      for (const text of [table.stdout, table.stderr, asJson.stdout, asJson.stderr, junit])
        expect(text).not.toContain(secret);
    }
    expect(json(asJson).result.findings.filter((f) => f.rule === 'secret-in-source')).toHaveLength(3);
  });
});

describe('sf eca check: exit code 2 when it cannot run', () => {
  it('without sfdx-project.json', () => {
    const r = run(undefined);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`No sfdx-project.json was found in ${r.dir} or any folder above it.`);
    expectNoStackTrace(r);
  });

  it('with a broken sfdx-project.json, naming the line', () => {
    const r = run('broken-project-json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(r.dir, 'sfdx-project.json')} is not valid JSON (line 4): Unexpected token ']'`);
    expectNoStackTrace(r);
    const j = runIn(r.dir, '--json');
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ status: 2, name: 'BrokenProjectFileError', exitCode: 2 });
  });

  it.each([['00D5g00000Xk9A'], ['005000000000000AAA']])('with a bad --dev-hub-org-id %s', (id) => {
    const r = run('header-only-2gp', '--dev-hub-org-id', id);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `"${id}" is not an org id: it must start with 00D and have 15 or 18 letters and digits.`,
    );
    expectNoStackTrace(r);
  });

  it('with a --source-dir that does not exist, or a bad --fail-on', () => {
    expect(run('header-only-2gp', '--source-dir', 'nowhere').status).toBe(2);
    expect(run('header-only-2gp', '--fail-on', 'info').status).toBe(2);
  });
});

describe('sf eca check: SARIF and the project failOn setting', () => {
  it('writes a SARIF 2.1.0 log with every finding at the path given', () => {
    const r = run('several-apps', '--sarif', 'reports/eca-check.sarif', '--json');
    expect(r.status).toBe(1);
    const log = JSON.parse(readFileSync(join(r.dir, 'reports', 'eca-check.sarif'), 'utf8')) as {
      version: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string }> } };
        results: Array<{ ruleId: string }>;
      }>;
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.name).toBe('sf-plugin-eca');
    expect(log.runs[0].tool.driver.rules.map((x) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(log.runs[0].results.map((x) => x.ruleId)).toEqual(json(r).result.findings.map((f) => f.rule));
  });

  it('takes failOn from sfdx-project.json when --fail-on is not given, and the flag over it', () => {
    const copy = copyToTemp(fixturePath('acknowledged'), 'eca-check-');
    cleanups.push(copy.cleanup);
    const file = join(copy.dir, 'sfdx-project.json');
    const project = JSON.parse(readFileSync(file, 'utf8')) as { plugins: { eca: Record<string, unknown> } };
    project.plugins.eca.failOn = 'warning';
    writeFileSync(file, JSON.stringify(project, null, 2));
    const strict = runIn(copy.dir);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('gate FAILED (--fail-on warning)');
    expect(runIn(copy.dir, '--fail-on', 'error').status).toBe(0);
  });
});
