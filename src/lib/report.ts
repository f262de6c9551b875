import { Messages } from '@salesforce/core/messages';
import type { Catalog } from './catalog.js';
import type { Project } from './project.js';
import { escapeText } from './xml.js';
import { Finding, Severity } from './rules/index.js';
import { SEVERITY_RANK } from './rules/rule.js';

/** What the check commands return and print: counts, the gate verdict, table rows, JUnit XML. */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

/** Where the finding's file stands, when it is not simply in the package: `(outside every package directory)`. */
export function scopeNote(f: Pick<Finding, 'scope' | 'hiddenBy'>): string {
  if (f.scope === 'outside') return messages.getMessage('scope.outside');
  if (f.scope === 'hidden') return messages.getMessage('scope.hidden', [f.hiddenBy ?? '?']);
  return '';
}

export type FailOn = 'error' | 'warning';

export type CheckSummary = {
  errors: number;
  warnings: number;
  infos: number;
  acknowledged: number;
  apps: number;
  files: number;
};

export type CheckResult = {
  passed: boolean;
  failOn: FailOn;
  devHubOrgId?: string;
  summary: CheckSummary;
  apps: Array<{ name: string; files: string[] }>;
  findings: Finding[];
  /** rules that did not run, and why: neither passed nor failed */
  skipped: Array<{ rule: string; reason: string }>;
};

/** The gate's threshold: the flag when given, else the project's plugins.eca.failOn, else error. */
export function failOnOf(project: Pick<Project, 'settings'>, flag?: FailOn): FailOn {
  return flag ?? project.settings?.failOn ?? 'error';
}

export function blocksGate(f: Finding, failOn: FailOn): boolean {
  return !f.acknowledged && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn];
}

const BY_SEVERITY = (a: Finding, b: Finding): number =>
  (a.app ?? '').localeCompare(b.app ?? '') ||
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  (a.file ?? '').localeCompare(b.file ?? '') ||
  (a.line ?? 0) - (b.line ?? 0);

export function checkResult(
  catalog: Catalog,
  findings: Finding[],
  failOn: FailOn,
  devHubOrgId?: string,
  skipped: CheckResult['skipped'] = [],
): CheckResult {
  const open = findings.filter((f) => !f.acknowledged);
  const count = (s: Severity): number => open.filter((f) => f.severity === s).length;
  const ecaFiles = catalog.files.filter((f) => f.kind === 'eca');
  return {
    passed: !findings.some((f) => blocksGate(f, failOn)),
    failOn,
    devHubOrgId,
    summary: {
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      acknowledged: findings.length - open.length,
      apps: catalog.apps.size,
      files: ecaFiles.length,
    },
    apps: [...catalog.apps.values()].map((a) => ({
      name: a.name,
      files: [...a.headers, ...a.plugins].map((f) => f.path),
    })),
    findings: [...findings].sort(BY_SEVERITY),
    skipped,
  };
}

export type FindingRow = { severity: string; rule: string; location: string; message: string };

export function location(f: Finding): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '';
}

/** Findings grouped by app (findings of no app under the empty name), each as table rows. */
export function rowsByApp(result: CheckResult): Array<{ app: string; rows: FindingRow[] }> {
  const groups = new Map<string, FindingRow[]>();
  for (const f of result.findings) {
    const rows = groups.get(f.app ?? '') ?? [];
    const note = scopeNote(f);
    const said = note ? `${f.message} ${note}` : f.message;
    const message = f.acknowledged ? `${said} [acknowledged: ${f.acknowledged}]` : `${said}. Fix: ${f.fix}`;
    rows.push({
      severity: f.acknowledged ? `${f.severity} (ack)` : f.severity,
      rule: f.rule,
      location: location(f),
      message,
    });
    groups.set(f.app ?? '', rows);
  }
  return [...groups.entries()].map(([app, rows]) => ({ app, rows }));
}

function xmlEscape(value: string): string {
  return escapeText(value, true);
}

/**
 * JUnit XML: one test suite per app, one test case per rule and app. A case fails with every finding that blocks
 * the gate; other findings of the case go to its system-out.
 */
export function junitXml(result: CheckResult, ruleIds: readonly string[]): string {
  const appNames = [
    ...new Set([...result.apps.map((a) => a.name), ...result.findings.map((f) => f.app ?? '(project)')]),
  ];
  const suites = appNames.map((app) => {
    const ofApp = result.findings.filter((f) => (f.app ?? '(project)') === app);
    const cases = ruleIds.map((rule) => {
      const skipped = result.skipped.find((s) => s.rule === rule);
      if (skipped) {
        const xml = `    <testcase classname="eca.${xmlEscape(app)}" name="${rule}"><skipped message="${xmlEscape(skipped.reason)}"/></testcase>`;
        return { failing: false, skipped: true, xml };
      }
      const found = ofApp.filter((f) => f.rule === rule);
      const failing = found.filter((f) => blocksGate(f, result.failOn));
      const text = (list: Finding[]): string =>
        list
          .map(
            (f) =>
              `${location(f)} ${f.message}. Fix: ${f.fix}${f.acknowledged ? ` (acknowledged: ${f.acknowledged})` : ''}`,
          )
          .join('\n');
      const attributes = failing.length
        ? `message="${xmlEscape(failing[0].message)}" type="${failing[0].severity}"`
        : '';
      const failure = failing.length ? `<failure ${attributes}>${xmlEscape(text(failing))}</failure>` : '';
      const rest = found.filter((f) => !failing.includes(f));
      const out = rest.length ? `<system-out>${xmlEscape(text(rest))}</system-out>` : '';
      return {
        failing: failing.length > 0,
        skipped: false,
        xml: `    <testcase classname="eca.${xmlEscape(app)}" name="${rule}">${failure}${out}</testcase>`,
      };
    });
    const failures = cases.filter((c) => c.failing).length;
    const skipped = cases.filter((c) => c.skipped).length;
    const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
    const open = `<testsuite name="${xmlEscape(app)}" ${counts}>`;
    return [`  ${open}`, ...cases.map((c) => c.xml), '  </testsuite>'].join('\n');
  });
  const tests = appNames.length * ruleIds.length;
  const failures = result.findings.length ? (suites.join('').match(/<failure /g)?.length ?? 0) : 0;
  const skipped = appNames.length * result.skipped.filter((s) => ruleIds.includes(s.rule)).length;
  const open = `<testsuites name="sf eca check" tests="${tests}" failures="${failures}" skipped="${skipped}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', open, ...suites, '</testsuites>', ''].join('\n');
}
