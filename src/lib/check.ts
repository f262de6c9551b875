import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { buildCatalog, Catalog } from './catalog.js';
import { readDevHub, type Ui } from './command.js';
import { requiredDevHub } from './flags.js';
import { readForceIgnore } from './forceignore.js';
import { findProjectRoot, loadProject, Project } from './project.js';
import { printCheckResult } from './output.js';
import { CheckResult, FailOn, checkResult, failOnOf, junitXml } from './report.js';
import { RULES, RuleContext, runRules } from './rules/index.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.checking');
import { notRunReason } from './rules/rule.js';

/** The shared front of every command: the project, its .forceignore, the catalog, and the rules over it. */

export type CheckOptions = {
  failOn: FailOn;
  context: RuleContext;
};

export async function loadCatalog(cwd: string, sourceDirs?: string[]): Promise<Catalog> {
  const project: Project = await loadProject(findProjectRoot(cwd));
  const forceIgnore = await readForceIgnore(project.root);
  return buildCatalog(project, { sourceDirs, denies: forceIgnore.denies, hiddenBy: forceIgnore.hiddenBy });
}

export function check(catalog: Catalog, options: CheckOptions): CheckResult {
  const skipped = RULES.flatMap((rule) => {
    const reason = notRunReason(rule, options.context);
    return reason ? [{ rule: rule.id, reason }] : [];
  });
  return checkResult(catalog, runRules(catalog, options.context), options.failOn, options.context.devHubOrgId, skipped);
}

/** The flags of `sf eca check`, as the command parses them. */
export type CheckFlags = {
  'source-dir'?: string[];
  'dev-hub-org-id'?: string;
  /** as given: the Dev Hub is read only when the user names it */
  'target-dev-hub'?: string;
  'api-version'?: string;
  /** as given: without it the project's plugins.eca.failOn decides */
  'fail-on'?: FailOn;
  /** where to write a JUnit report */
  junit?: string;
  /** where to write a SARIF log */
  sarif?: string;
};

/** The whole of `sf eca check`: the catalog, the Dev Hub's copy when asked for, the rules, the report. */
export async function runCheck(ui: Ui, cwd: string, flags: CheckFlags): Promise<CheckResult> {
  const { 'api-version': apiVersion, 'target-dev-hub': hubName, junit, sarif } = flags;
  const catalog = await loadCatalog(cwd, flags['source-dir']);
  const hub = hubName ? await requiredDevHub(hubName) : undefined;
  const message = messages.getMessage('spinner.hub', [hub?.getUsername() ?? '']);
  const hubApps = hub
    ? await readDevHub(ui, hub, apiVersion, message, (org, conn) => org.readHubApps(conn, catalog, { apiVersion }))
    : undefined;
  const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
  const failOn = failOnOf(catalog.project, flags['fail-on']);
  const result = check(catalog, { failOn, context: { devHubOrgId, hubApps } });
  if (catalog.apps.size === 0 && result.findings.length === 0) {
    ui.log(messages.getMessage('info.noEca', [catalog.project.root]));
  } else {
    printCheckResult(ui, result);
  }
  if (junit) {
    await mkdir(dirname(resolve(junit)), { recursive: true });
    await writeFile(
      resolve(junit),
      junitXml(
        result,
        RULES.map((r) => r.id),
      ),
    );
    ui.log(messages.getMessage('info.junit', [junit]));
  }
  if (sarif) {
    const { pluginTool, sarifLog, writeSarif } = await import('./sarif.js');
    await writeSarif(cwd, sarif, sarifLog(result, RULES, pluginTool(), catalog.project.root));
    ui.log(messages.getMessage('info.sarif', [sarif]));
  }
  return result;
}
