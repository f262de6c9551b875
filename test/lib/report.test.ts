/*
 * report.ts and output.ts: the gate verdict, counts, table rows grouped by app, the summary line and JUnit XML.
 */
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/lib/check.js';
import { printCheckResult, summaryLine, type Printer } from '../../src/lib/output.js';
import { blocksGate, junitXml, location, rowsByApp, type CheckResult } from '../../src/lib/report.js';
import { RULES, type Finding } from '../../src/lib/rules/index.js';
import { child, parseXml, type XmlElement } from '../../src/lib/xml.js';
import { catalogOf, IDS, SECRET_VALUES } from '../fixtures/fixtures.js';

const RULE_IDS = RULES.map((r) => r.id);
const f = (over: Partial<Finding>): Finding => ({ rule: 'pkce', severity: 'error', message: 'm', fix: 'x', ...over });

describe('blocksGate', () => {
  it('blocks at or above --fail-on, never when acknowledged, never for infos', () => {
    expect(blocksGate(f({ severity: 'error' }), 'error')).toBe(true);
    expect(blocksGate(f({ severity: 'warning' }), 'error')).toBe(false);
    expect(blocksGate(f({ severity: 'warning' }), 'warning')).toBe(true);
    expect(blocksGate(f({ severity: 'info' }), 'warning')).toBe(false);
    expect(blocksGate(f({ severity: 'error', acknowledged: 'ok' }), 'warning')).toBe(false);
  });
});

describe('checkResult', () => {
  it('counts open findings by severity, acknowledged ones apart, and apps and ECA files', async () => {
    const catalog = await catalogOf('acknowledged');
    const result = check(catalog, { failOn: 'error', context: {} });
    expect(result.summary).toEqual({ errors: 0, warnings: 1, infos: 0, acknowledged: 1, apps: 1, files: 2 });
    expect(result.passed).toBe(true);
    expect(check(catalog, { failOn: 'warning', context: {} }).passed).toBe(false);
    expect(result.apps).toEqual([
      {
        name: 'Ack_App',
        files: [
          'force-app/main/default/externalClientApps/Ack_App.eca-meta.xml',
          'force-app/main/default/extlClntAppOauthSettings/Ack_App_oauth.ecaOauth-meta.xml',
        ],
      },
    ]);
  });

  it('counts only ECA files, not ConnectedApp or key files', async () => {
    const result = check(await catalogOf('secrets'), { failOn: 'error', context: {} });
    expect(result.summary.files).toBe(6);
    expect(result.summary.apps).toBe(2);
  });

  it('sorts findings by app, then severity, file and line, with app-less findings first', async () => {
    const result = check(await catalogOf('secrets'), { failOn: 'error', context: { devHubOrgId: IDS.ORG_A } });
    expect(result.devHubOrgId).toBe(IDS.ORG_A);
    const keys = result.findings.map((x) => [x.app ?? '', x.severity, x.file ?? '', x.line ?? 0] as const);
    const rank = { error: 0, warning: 1, info: 2 };
    const sorted = [...keys].sort(
      (a, b) => a[0].localeCompare(b[0]) || rank[a[1]] - rank[b[1]] || a[2].localeCompare(b[2]) || a[3] - b[3],
    );
    expect(keys).toEqual(sorted);
    expect(keys[0][0]).toBe('');
  });
});

describe('table rows and summary line', () => {
  it('groups rows by app, puts the fix after the problem, and the reason after an acknowledged one', async () => {
    const result = check(await catalogOf('acknowledged'), { failOn: 'error', context: {} });
    const groups = rowsByApp(result);
    expect(groups.map((g) => g.app)).toEqual(['', 'Ack_App']);
    expect(groups[0].rows).toEqual([
      {
        severity: 'warning',
        rule: 'ack-unmatched',
        location: 'sfdx-project.json:21',
        message:
          'The acknowledgement of scope-web (app Ack_App) matches no finding. Fix: Remove it from plugins.eca.acknowledgements, or correct its rule, app or file.',
      },
    ]);
    expect(groups[1].rows[0]).toMatchObject({
      severity: 'warning (ack)',
      rule: 'scope-full',
      message:
        'The app asks for the Full scope, which the security review rates critical and asks you to justify [acknowledged: The connector administers metadata on behalf of the subscriber admin.]',
    });
  });

  it('writes locations as file:line, or the file alone, or nothing', () => {
    expect(location(f({ file: 'a/b.xml', line: 3 }))).toBe('a/b.xml:3');
    expect(location(f({ file: 'a/b.xml' }))).toBe('a/b.xml');
    expect(location(f({}))).toBe('');
  });

  it('summarises counts and the verdict, with the right plurals', () => {
    const base: CheckResult = {
      passed: true,
      failOn: 'error',
      summary: { errors: 0, warnings: 0, infos: 0, acknowledged: 0, apps: 0, files: 0 },
      apps: [],
      findings: [],
      skipped: [],
    };
    expect(summaryLine(base)).toBe('0 errors, 0 warnings, 0 info, 0 acknowledged in 0 apps (0 files): gate passed');
    expect(
      summaryLine({
        ...base,
        passed: false,
        failOn: 'warning',
        summary: { errors: 1, warnings: 1, infos: 2, acknowledged: 1, apps: 1, files: 1 },
      }),
    ).toBe('1 error, 1 warning, 2 info, 1 acknowledged in 1 app (1 file): gate FAILED (--fail-on warning)');
  });

  it('prints one titled table per app, then the summary line', async () => {
    const result = check(await catalogOf('several-apps'), { failOn: 'error', context: {} });
    const calls: string[] = [];
    /** a table as `table <rows> <column names>`, read back from the box-drawn text */
    const asTable = (text: string): string => {
      const rows = text.split('\n').filter((l) => l.startsWith('│'));
      const names = rows[0]
        .split('│')
        .map((c) => c.trim())
        .filter(Boolean);
      return `table ${rows.length - 1} ${names.join('|')}`;
    };
    const printer: Printer = {
      log: (m = '') => calls.push(m.startsWith('┌') ? asTable(m) : `log ${m}`),
      styledHeader: (t) => calls.push(`header ${t}`),
    };
    printCheckResult(printer, result);
    expect(calls).toEqual([
      'header App Beta_Local',
      'table 1 Severity|Rule|Location|Problem and fix',
      'header App Delta_Unlinked',
      'table 2 Severity|Rule|Location|Problem and fix',
      'header App Epsilon_Malformed',
      'table 2 Severity|Rule|Location|Problem and fix',
      'header App Gamma_Renamed',
      'table 1 Severity|Rule|Location|Problem and fix',
      'log 6 errors, 0 warnings, 0 info, 0 acknowledged in 5 apps (8 files): gate FAILED (--fail-on error)',
    ]);
  });

  it('titles app-less findings "Project"', async () => {
    const result = check(await catalogOf('bad-files'), { failOn: 'error', context: {} });
    const headers: string[] = [];
    printCheckResult({ log: () => undefined, styledHeader: (t) => headers.push(t) }, result);
    expect(headers[0]).toBe('Project');
  });
});

describe('junitXml', () => {
  const suites = (xml: string): XmlElement[] => parseXml(xml).root.children.filter((c) => c.name === 'testsuite');

  it('is valid XML with a test suite per app and a test case per rule', async () => {
    const result = check(await catalogOf('several-apps'), { failOn: 'error', context: {} });
    const xml = junitXml(result, RULE_IDS);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parseXml(xml);
    expect(doc.root.name).toBe('testsuites');
    expect(doc.root.attributes).toEqual({
      name: 'sf eca check',
      tests: String(5 * RULE_IDS.length),
      failures: '6',
      skipped: String(5 * 2),
    });
    expect(suites(xml).map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures])).toEqual([
      ['Alpha_Sync', String(RULE_IDS.length), '0'],
      ['Beta_Local', String(RULE_IDS.length), '1'],
      ['Delta_Unlinked', String(RULE_IDS.length), '2'],
      ['Epsilon_Malformed', String(RULE_IDS.length), '2'],
      ['Gamma_Renamed', String(RULE_IDS.length), '1'],
    ]);
    const beta = suites(xml)[1];
    expect(beta.children.map((c) => c.attributes.name)).toEqual(RULE_IDS);
    const failing = beta.children.find((c) => c.attributes.name === 'distribution-state')!;
    expect(failing.attributes.classname).toBe('eca.Beta_Local');
    expect(child(failing, 'failure')?.attributes).toEqual({
      message: 'distributionState is Local; only Packaged apps can go in a 2GP managed package',
      type: 'error',
    });
    expect(child(failing, 'failure')?.text).toContain(
      'force-app/main/default/externalClientApps/Beta_Local.eca-meta.xml:5 distributionState is Local',
    );
  });

  it('puts non-blocking findings in system-out, app-less ones in a "(project)" suite, and escapes markup', async () => {
    const result = check(await catalogOf('acknowledged'), { failOn: 'error', context: {} });
    const xml = junitXml(result, RULE_IDS);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(suites(xml).map((s) => [s.attributes.name, s.attributes.failures])).toEqual([
      ['Ack_App', '0'],
      ['(project)', '0'],
    ]);
    const scopeFull = suites(xml)[0].children.find((c) => c.attributes.name === 'scope-full')!;
    expect(child(scopeFull, 'failure')).toBeUndefined();
    expect(child(scopeFull, 'system-out')?.text).toContain(
      '(acknowledged: The connector administers metadata on behalf of the subscriber admin.)',
    );
    // the fix texts hold <…> markup that must arrive escaped and decode back
    const bad = check(await catalogOf('several-apps'), { failOn: 'error', context: {} });
    const badXml = junitXml(bad, RULE_IDS);
    expect(badXml).toContain('&lt;orgScopedExternalApp&gt;');
    expect(
      child(
        suites(badXml)[2].children.find((c) => c.attributes.name === 'org-scoped-app')!,
        'failure',
      )?.text,
    ).toContain('Add <orgScopedExternalApp><Dev Hub org id>:Delta_Unlinked</orgScopedExternalApp>');
  });

  it('marks the rules that need the Dev Hub as skipped, with the reason, when the Dev Hub was not read', async () => {
    const offline = check(await catalogOf('packaged-2gp'), { failOn: 'error', context: {} });
    const xml = junitXml(offline, RULE_IDS);
    expect(XMLValidator.validate(xml)).toBe(true);
    const [suite] = suites(xml);
    expect(suite.attributes.skipped).toBe('2');
    for (const rule of ['hub-app', 'hub-mismatch']) {
      const testcase = suite.children.find((c) => c.attributes.name === rule)!;
      expect(child(testcase, 'skipped')?.attributes.message).toBe(
        'it reads the Dev Hub, which this run did not (pass --target-dev-hub to run it)',
      );
    }
    expect(offline.skipped.map((s) => s.rule)).toEqual(['hub-app', 'hub-mismatch']);
    // a run that read the Dev Hub skips nothing
    const online = check(await catalogOf('packaged-2gp'), { failOn: 'error', context: { hubApps: new Map() } });
    expect(online.skipped).toEqual([]);
    expect(junitXml(online, RULE_IDS)).not.toContain('<skipped');
  });

  it('fails warnings too with --fail-on warning', async () => {
    const result = check(await catalogOf('mdapi-copies'), { failOn: 'warning', context: {} });
    const xml = junitXml(result, RULE_IDS);
    expect(parseXml(xml).root.attributes.failures).toBe('1');
    expect(junitXml(check(await catalogOf('mdapi-copies'), { failOn: 'error', context: {} }), RULE_IDS)).not.toContain(
      '<failure',
    );
  });

  it('has an empty suite per app when there is nothing to report, and holds no secret', async () => {
    const clean = junitXml(check(await catalogOf('header-only-2gp'), { failOn: 'error', context: {} }), RULE_IDS);
    expect(suites(clean).map((s) => [s.attributes.name, s.attributes.failures])).toEqual([['Fabrikam_Connect', '0']]);
    const secrets = junitXml(check(await catalogOf('secrets'), { failOn: 'error', context: {} }), RULE_IDS);
    expect(XMLValidator.validate(secrets)).toBe(true);
    for (const secret of SECRET_VALUES) expect(secrets).not.toContain(secret);
  });
});
