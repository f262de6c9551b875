import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRunner } from 'vitest';
import { mustRun, warnSkipped, xmllintMissing } from './requirements.js';

/** The plugin's XSD excerpt, found relative to this file so the helper works from any checkout. */
const XSD_URL = new URL('../../schema/metadata-v66-eca.xsd', import.meta.url);

/**
 * Validates `xml` with libxml2's xmllint against the XSD excerpt, with `typeName` declared as the top-level element
 * (the excerpt has complexTypes only). `output` is xmllint's report, with the temp file names as written.
 */
export function xmllintValidate(xml: string, typeName: string): { valid: boolean; output: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(typeName)) throw new Error(`not a type name: ${typeName}`);
  requireXmllint();
  const dir = mkdtempSync(join(tmpdir(), 'eca-xmllint-'));
  try {
    const wrapper = join(dir, 'wrapper.xsd');
    const file = join(dir, 'file.xml');
    writeFileSync(
      wrapper,
      `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema elementFormDefault="qualified" targetNamespace="http://soap.sforce.com/2006/04/metadata"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://soap.sforce.com/2006/04/metadata">
  <xsd:include schemaLocation="${XSD_URL.href}"/>
  <xsd:element name="${typeName}" type="tns:${typeName}"/>
</xsd:schema>
`,
    );
    writeFileSync(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--schema', wrapper, file], { encoding: 'utf8' });
    if (run.error) throw run.error;
    return { valid: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the 1-based lines xmllint reports errors on (`file.xml:12: element x: Schemas validity error : …`) */
export function xmllintErrorLines(output: string): number[] {
  return [...output.matchAll(/file\.xml:(\d+): .*validity error/g)].map((m) => Number(m[1]));
}

let probed = false;
let missing: string | undefined;

/**
 * xmllint missing: the calling test fails under CI=true or scripts/test.sh, and is skipped with a printed warning in a
 * developer's ad hoc run (see requirements.ts).
 */
function requireXmllint(): void {
  if (!probed) [missing, probed] = [xmllintMissing(), true];
  if (missing === undefined) return;
  if (mustRun()) throw new Error(`this test needs xmllint: ${missing}`);
  const test = TestRunner.getCurrentTest();
  warnSkipped(test?.name ?? 'a test that needs xmllint', missing);
  test?.context.skip(`needs xmllint: ${missing}`);
  throw new Error(`this test needs xmllint: ${missing}`);
}
