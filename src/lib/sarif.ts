import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import type { Log, Result } from 'sarif';
import { FORCEIGNORE } from './forceignore.js';
import { PROJECT_FILE } from './project.js';
import type { CheckResult } from './report.js';
import { ruleSummary, type Finding, type Rule, type Severity } from './rules/rule.js';

/**
 * SARIF 2.1.0 for code-scanning tools, built with node-sarif-builder (it fills the artifacts list and the rule and
 * artifact indexes that viewers use). Paths are relative to the project root, under the %SRCROOT% base.
 */

export type SarifTool = { name: string; version: string; informationUri?: string };

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

const SRCROOT = '%SRCROOT%';

/**
 * Code-scanning services drop results without a location, so a finding about the project as a whole points at the
 * file where it is fixed: .forceignore for the forceignore rule, sfdx-project.json for everything else.
 */
const FILE_OF_PROJECT_FINDING: Record<string, string> = { forceignore: FORCEIGNORE };

function resultOf(f: Finding): SarifResultBuilder {
  const builder = new SarifResultBuilder().initSimple({
    level: LEVEL[f.severity],
    ruleId: f.rule,
    messageText: `${f.message}. Fix: ${f.fix}`,
    fileUri: encodeURI(f.file ?? FILE_OF_PROJECT_FINDING[f.rule] ?? PROJECT_FILE),
  });
  const result = builder.result;
  const physical = result.locations![0].physicalLocation!;
  physical.artifactLocation!.uriBaseId = SRCROOT;
  // the line only: a finding has no column, and the builder's default 1..1 would mark an empty span
  physical.region = { startLine: f.file ? (f.line ?? 1) : 1 };
  result.properties = { fix: f.fix, ...(f.app ? { app: f.app } : {}) };
  // an acknowledged finding stays in the log, suppressed with the project's written reason, as code scanning expects
  if (f.acknowledged) result.suppressions = [{ kind: 'external', status: 'accepted', justification: f.acknowledged }];
  return builder;
}

function ruleOf(rule: Rule): SarifRuleBuilder {
  const summary = ruleSummary(rule.id);
  return new SarifRuleBuilder({
    id: rule.id,
    shortDescription: { text: summary },
    help: {
      text: `${summary} Each result says how to fix it. A finding the team accepts is acknowledged, with a reason, in ${PROJECT_FILE} under plugins.eca.acknowledgements.`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  });
}

/** The SARIF log of one check: every rule in the driver, every finding as a result. */
export function sarifLog(result: CheckResult, rules: readonly Rule[], tool: SarifTool, projectRoot: string): Log {
  const run = new SarifRunBuilder().initSimple({
    toolDriverName: tool.name,
    toolDriverVersion: tool.version,
    url: tool.informationUri,
  });
  run.run.originalUriBaseIds = { [SRCROOT]: { uri: pathToFileURL(projectRoot).href.replace(/\/?$/, '/') } };
  for (const rule of rules) run.addRule(ruleOf(rule));
  for (const finding of result.findings) run.addResult(resultOf(finding));
  const log = new SarifBuilder();
  log.addRun(run);
  return log.buildSarifOutput();
}

export function sarifText(log: Log): string {
  return JSON.stringify(log, null, 2) + '\n';
}

/** This plugin as the SARIF tool: name, version and home from its package.json. */
export function pluginTool(): SarifTool {
  const pjson = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
    name: string;
    version: string;
    homepage?: string;
  };
  return { name: pjson.name, version: pjson.version, informationUri: pjson.homepage };
}

/**
 * Writes the log to `file` (relative to `base`) through a temporary file in the same folder and a rename, so a
 * code-scanning upload never reads half a log. Returns the full path.
 */
export async function writeSarif(base: string, file: string, log: Log): Promise<string> {
  const target = resolve(base, file);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, sarifText(log));
  await rename(partial, target);
  return target;
}
