import { basename, resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { buildCatalog, type Catalog } from './catalog.js';
import { readForceIgnore } from './forceignore.js';
import { sameId } from './ids.js';
import {
  defaultPackageDir,
  findProjectRoot,
  loadProject,
  packageDirOf,
  type PackageDir,
  type Project,
} from './project.js';
import { checkResult, failOnOf, type CheckResult } from './report.js';
import { runRules, unmatchedAcknowledgement, type Finding } from './rules/index.js';
import { privateKey, secretInSource } from './rules/secrets.js';

/**
 * The gate inside `sf package version create`: which package directory the command is about to build, and the
 * checklist over that directory plus the rules that concern the whole project.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.gate');

/** The values of the host command's flags that name what it builds. */
export type GateRequest = { package?: string; path?: string };

export type GateTarget = {
  packageDir: PackageDir;
  /** how the directory was found: the flag that named it, or the project's default */
  from: 'package' | 'path' | 'default';
};

export type GateOutcome = { project: Project; target: GateTarget; result: CheckResult };

/** Rules whose findings block any package version of the project, wherever their file lies. */
const PROJECT_WIDE_RULES: ReadonlySet<string> = new Set([
  secretInSource.id,
  privateKey.id,
  unmatchedAcknowledgement.id,
]);

const PACKAGE_ID = /^0Ho/;

/**
 * As sf's packaging library reads --package: a name or alias that a packageDirectories entry carries as its
 * "package", or a 0Ho id reached through packageAliases (older projects write the id itself as "package").
 */
function packageDirOfPackage(project: Project, value: string): PackageDir | undefined {
  const names = new Set([value]);
  const aliased = project.packageAliases?.[value];
  if (aliased) names.add(aliased);
  if (PACKAGE_ID.test(value)) {
    for (const [alias, id] of Object.entries(project.packageAliases ?? {})) if (sameId(id, value)) names.add(alias);
  }
  return project.packageDirs.find((d) => d.package !== undefined && names.has(d.package));
}

/** As sf reads --path: the directory's own path as written, or a folder inside a package directory. */
function packageDirOfPath(project: Project, path: string, cwd: string): PackageDir | undefined {
  const written = path.replace(/\\/g, '/').replace(/\/+$/, '');
  return (
    project.packageDirs.find((d) => d.path === written || d.path === basename(written)) ??
    packageDirOf(project, resolve(cwd, path))
  );
}

export function resolveTarget(project: Project, request: GateRequest, cwd: string): GateTarget {
  if (request.package !== undefined) {
    const packageDir = packageDirOfPackage(project, request.package);
    if (!packageDir) throw messages.createError('error.UnknownPackage', [project.projectFile, request.package]);
    return { packageDir, from: 'package' };
  }
  if (request.path !== undefined) {
    const packageDir = packageDirOfPath(project, request.path, cwd);
    if (!packageDir) throw messages.createError('error.UnknownPath', [project.projectFile, request.path]);
    return { packageDir, from: 'path' };
  }
  return { packageDir: defaultPackageDir(project), from: 'default' };
}

function inDir(path: string | undefined, dir: PackageDir): boolean {
  return path !== undefined && (path === dir.path || path.startsWith(`${dir.path}/`));
}

/**
 * The part of a whole-project catalog that a package version of `dir` is about: the apps with a file in it, and
 * its files. Rules still run over the whole catalog, so duplicates and links across directories are seen.
 */
export function catalogOfDir(catalog: Catalog, dir: PackageDir): Catalog {
  const apps = new Map(
    [...catalog.apps].filter(([, app]) => [...app.headers, ...app.plugins].some((f) => inDir(f.path, dir))),
  );
  const files = catalog.files.filter((f) => inDir(f.path, dir) || (f.app !== undefined && apps.has(f.app)));
  return { ...catalog, apps, files };
}

export function concernsDir(finding: Finding, scoped: Catalog, dir: PackageDir): boolean {
  if (PROJECT_WIDE_RULES.has(finding.rule)) return true;
  if (finding.app !== undefined) return scoped.apps.has(finding.app) || inDir(finding.file, dir);
  return finding.file === undefined || inDir(finding.file, dir);
}

/** Judges the package directory that the host command would build, with the project's acknowledgements and failOn. */
export async function runGate(cwd: string, request: GateRequest): Promise<GateOutcome> {
  const project = await loadProject(findProjectRoot(cwd));
  const target = resolveTarget(project, request, cwd);
  const forceIgnore = await readForceIgnore(project.root);
  const catalog = await buildCatalog(project, { denies: forceIgnore.denies });
  const scoped = catalogOfDir(catalog, target.packageDir);
  const findings = runRules(catalog, {}).filter((f) => concernsDir(f, scoped, target.packageDir));
  return { project, target, result: checkResult(scoped, findings, failOnOf(project)) };
}
