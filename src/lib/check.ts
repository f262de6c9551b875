import { buildCatalog, Catalog } from './catalog.js';
import { readForceIgnore } from './forceignore.js';
import { findProjectRoot, loadProject, Project } from './project.js';
import { CheckResult, FailOn, checkResult } from './report.js';
import { RuleContext, runRules } from './rules/index.js';

/** The shared front of every command: the project, its .forceignore, the catalog, and the rules over it. */

export type CheckOptions = {
  failOn: FailOn;
  context: RuleContext;
};

export async function loadCatalog(cwd: string, sourceDirs?: string[]): Promise<Catalog> {
  const project: Project = await loadProject(findProjectRoot(cwd));
  const forceIgnore = await readForceIgnore(project.root);
  return buildCatalog(project, { sourceDirs, denies: forceIgnore.denies });
}

export function check(catalog: Catalog, options: CheckOptions): CheckResult {
  return checkResult(catalog, runRules(catalog, options.context), options.failOn, options.context.devHubOrgId);
}
