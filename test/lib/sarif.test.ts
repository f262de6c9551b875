/*
 * sarif.ts: the SARIF 2.1.0 log of a check, validated against the official SARIF 2.1.0 schema (the OASIS RTM.5
 * schema that Microsoft's SARIF SDK ships in @microsoft/jest-sarif).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/lib/check.js';
import { sarifLog, sarifText } from '../../src/lib/sarif.js';
import { RULES } from '../../src/lib/rules/index.js';
import { catalogOf, IDS, SECRET_VALUES } from '../fixtures/fixtures.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;
// the schema's own language pattern ('...{2}]?$') is not a valid unicode regular expression
// CommonJS modules: their class and plugin are the default export's `default`
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

const TOOL = { name: 'sf-plugin-eca', version: '1.2.3' };

async function logOf(name: 'secrets' | 'acknowledged'): Promise<{ log: Log; root: string; findings: number }> {
  const catalog = await catalogOf(name);
  const result = check(catalog, { failOn: 'error', context: { devHubOrgId: IDS.ORG_A } });
  return {
    log: sarifLog(result, RULES, TOOL, catalog.project.root),
    root: catalog.project.root,
    findings: result.findings.length,
  };
}

function expectValid(log: unknown): void {
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

describe('sarifLog', () => {
  it('is valid SARIF 2.1.0 for a project with many findings and for one with acknowledgements', async () => {
    expectValid((await logOf('secrets')).log);
    expectValid((await logOf('acknowledged')).log);
    // the round trip through the written text is what a scanner reads
    expectValid(JSON.parse(sarifText((await logOf('secrets')).log)));
  });

  it('the schema rejects what it must, so a pass above means something', () => {
    expect(validate({ version: '2.1.0' })).toBe(false);
    expect(
      validate({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ level: 'fatal', message: { text: 'm' } }] }],
      }),
    ).toBe(false);
  });

  it('lists every rule in the driver with its short description, help and default level', async () => {
    const { log } = await logOf('secrets');
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'sf-plugin-eca', version: '1.2.3' });
    expect(driver.rules?.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const secret = driver.rules!.find((r) => r.id === 'secret-in-source')!;
    expect(secret.shortDescription?.text).toMatch(/\S/);
    expect(secret.help?.text).toContain(secret.shortDescription!.text);
    expect(secret.help?.text).toContain('plugins.eca.acknowledgements');
    expect(secret.defaultConfiguration?.level).toBe('error');
    const info = RULES.find((r) => r.severity === 'info')!;
    expect(driver.rules!.find((r) => r.id === info.id)!.defaultConfiguration?.level).toBe('note');
  });

  it('gives every finding its rule, level, relative file, line and fix, and keeps secrets out', async () => {
    const { log, root, findings } = await logOf('secrets');
    const results = log.runs[0].results!;
    expect(results).toHaveLength(findings);
    const keyFinding = results.find((r) => r.ruleId === 'private-key')!;
    expect(keyFinding.level).toBe('error');
    const location = keyFinding.locations![0].physicalLocation!;
    expect(location.artifactLocation!.uri).not.toMatch(/^(\/|file:)/);
    expect(location.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    expect(location.region!.startLine).toBeGreaterThanOrEqual(1);
    expect(keyFinding.message.text).toContain('Fix: ');
    expect(keyFinding.properties?.fix).toMatch(/\S/);
    expect(log.runs[0].originalUriBaseIds!['%SRCROOT%'].uri).toBe(pathToFileURL(root).href + '/');
    // the rule index points back at the rule, as viewers read it
    expect(log.runs[0].tool.driver.rules![keyFinding.ruleIndex!].id).toBe('private-key');
    const text = sarifText(log);
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
  });

  it('maps severities to SARIF levels and points project-wide findings at a file', async () => {
    const { log } = await logOf('secrets');
    const levels = new Set(log.runs[0].results!.map((r) => r.level));
    expect([...levels].every((l) => l === 'error' || l === 'warning' || l === 'note')).toBe(true);
    for (const r of log.runs[0].results!)
      expect(r.locations?.[0].physicalLocation?.artifactLocation?.uri).toMatch(/\S/);
  });

  it('keeps acknowledged findings, suppressed with the written reason', async () => {
    const { log } = await logOf('acknowledged');
    const suppressed = log.runs[0].results!.filter((r) => r.suppressions?.length);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions![0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(suppressed[0].suppressions![0].justification).toMatch(/\S/);
  });
});
