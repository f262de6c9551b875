import { readdirSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core/messages';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Catalog, CatalogFile } from '../catalog.js';
import { ecaType, sourceFileName, GLOBAL_OAUTH_TYPE } from '../family.js';
import { FORCEIGNORE, excludedFolderLines, withExclusions } from '../forceignore.js';
import type { PlannedChange } from '../plan.js';
import { projectPath, type PackageDir, type Project } from '../project.js';
import { childText, parseXml } from '../xml.js';
import {
  convertConnectedApp,
  type AppConversion,
  type ConvertedFile,
  type MappingEntry,
  type OrgFlowOn,
} from './convert.js';
import { ORG_FLOW_SETTINGS } from './mapping.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.migration');

/** What `sf eca migrate` will write, worked out in full before anything is written. */

export type MigrateInput = {
  catalog: Catalog;
  /** --name; default: every Connected App found */
  names?: string[];
  /** --source-dir (absolute): only Connected Apps under these folders */
  sourceDirs?: string[];
  /** Connected Apps retrieved from an org (--target-org), used instead of the project's */
  fromOrg?: CatalogFile[];
  devHubOrgId?: string;
  /** the package directory for the packageable files of apps whose Connected App is not in one */
  outputDir: PackageDir;
  /** where non-packageable files go, outside every package directory (prepare's --non-packageable-dir) */
  nonPackageableDir: string;
  orgFlowsOn: OrgFlowOn[];
  /** oauthLink per app, read back from the Dev Hub after it took the app */
  links?: Map<string, string>;
  /** the Dev Hub holds the global OAuth settings: they are deployed, never written into the project */
  hubOwnsGlobalSettings?: boolean;
};

export type MigrationState = 'migrated' | 'blocked' | 'already-migrated';

export type MigratedFile = {
  path: string;
  type: string;
  packageable: boolean;
  action: 'create' | 'unchanged' | 'kept';
};

export type AppMigration = {
  app: string;
  /** the Connected App's file, project-relative; it stays where it is */
  source: string;
  state: MigrationState;
  distributionState?: AppConversion['distributionState'];
  localReasons: string[];
  files: MigratedFile[];
  mapping: MappingEntry[];
};

export type MigratePlan = {
  apps: AppMigration[];
  changes: PlannedChange[];
  /** the files of each migrated app, as generated, for a deploy (global settings included; never in --json) */
  generated: Map<string, ConvertedFile[]>;
};

/** Lines a .gitignore beside the non-packageable files needs so that git never commits global OAuth settings. */
export const GITIGNORE_LINE = `/${ecaType(GLOBAL_OAUTH_TYPE).directoryName}/`;

const OAUTH_OIDC_SETTINGS = /^OauthOidc\.settings(-meta\.xml)?$/;
const SKIPPED_DIRS = new Set(['node_modules', 'bower_components']);

/** OauthOidc settings files under `root`, in a settings folder; hidden folders and node_modules are skipped. */
function settingsFiles(root: string): string[] {
  const found: string[] = [];
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name))
        pending.push(join(dir, entry.name));
      else if (entry.isFile() && OAUTH_OIDC_SETTINGS.test(entry.name) && basename(dir) === 'settings')
        found.push(join(dir, entry.name));
    }
  }
  return found.sort();
}

/**
 * The org-wide OAuth switches the project's OauthOidc settings turn on (an explicit false in a block* element).
 * Absent elements say nothing: new orgs block those flows by default.
 */
export async function findOrgFlowsOn(project: Project): Promise<OrgFlowOn[]> {
  const found: OrgFlowOn[] = [];
  const files = settingsFiles(project.root).map((f) => relative(project.root, f));
  for (const path of files) {
    const text = await readFile(join(project.root, path), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let root;
    try {
      root = parseXml(text).root;
    } catch {
      continue; // a broken settings file is not ours to judge; the flows it would turn on stay unknown
    }
    for (const { setting } of ORG_FLOW_SETTINGS) {
      const el = root.children.find((c) => c.name === setting);
      if (el && childText(root, setting) === 'false')
        found.push({ setting, file: path.split('\\').join('/'), line: el.line });
    }
  }
  return found;
}

function connectedApps(catalog: Catalog, sourceDirs: string[] | undefined): CatalogFile[] {
  const under = (f: CatalogFile): boolean =>
    !sourceDirs?.length ||
    sourceDirs.some((d) => f.fullPath === d || f.fullPath.startsWith(d.endsWith(sep) ? d : d + sep));
  return catalog.files.filter((f) => f.kind === 'connectedApp' && under(f));
}

/** The folder that holds the type folders: beside a source-format Connected App in a package directory, else the standard one. */
function packageRoot(file: CatalogFile, outputDir: PackageDir): string {
  const folder = dirname(file.fullPath);
  if (file.packageDir && file.form === 'source' && basename(folder) === 'connectedApps') return dirname(folder);
  return join(outputDir.fullPath, 'main', 'default');
}

function blockedBy(file: CatalogFile, reason: string, line = 1): AppMigration {
  return {
    app: file.fullName,
    source: file.path,
    state: 'blocked',
    localReasons: [],
    files: [],
    mapping: [{ from: '(file)', line, status: 'blocking', to: [], reason }],
  };
}

async function existing(fullPath: string): Promise<Buffer | undefined> {
  return readFile(fullPath).catch(() => undefined);
}

export async function planMigrate(input: MigrateInput): Promise<MigratePlan> {
  const { catalog } = input;
  const all = input.fromOrg ?? connectedApps(catalog, input.sourceDirs);
  if (input.names?.length) {
    const missing = input.names.filter((n) => !all.some((f) => f.fullName === n));
    if (missing.length) {
      const known = [...new Set(all.map((f) => f.fullName))].join(', ') || '(none)';
      throw messages.createError('error.NoSuchConnectedApp', [missing.join(', '), known]);
    }
  }
  const chosen = input.names?.length ? all.filter((f) => input.names!.includes(f.fullName)) : all;
  const apps: AppMigration[] = [];
  const changes: PlannedChange[] = [];
  const generated = new Map<string, ConvertedFile[]>();
  const change = (fullPath: string, after: Buffer, detail: string, before?: Buffer): PlannedChange => ({
    action: before ? 'update' : 'create',
    fullPath,
    path: projectPath(catalog.project, fullPath),
    before,
    after,
    detail,
  });

  for (const file of chosen) {
    const twins = chosen.filter((f) => f.fullName === file.fullName);
    if (twins.length > 1) {
      apps.push(
        blockedBy(
          file,
          `${twins.length} Connected App files are named ${file.fullName} (${twins.map((t) => t.path).join(', ')}): pass --source-dir to choose one`,
        ),
      );
      continue;
    }
    if (!file.doc) {
      const error = file.readError;
      apps.push(blockedBy(file, `the file cannot be read: ${error?.message ?? 'unknown error'}`, error?.line ?? 1));
      continue;
    }
    if (file.doc.root.name !== 'ConnectedApp') {
      apps.push(blockedBy(file, `the root element is <${file.doc.root.name}>, not <ConnectedApp>`, file.doc.root.line));
      continue;
    }
    const ecaApp = catalog.apps.get(file.fullName);
    if (ecaApp) {
      const kept = [...ecaApp.headers, ...ecaApp.plugins].map((f): MigratedFile => ({
        path: f.path,
        type: f.type!.name,
        packageable: f.type!.packageable === true,
        action: 'kept',
      }));
      apps.push({
        app: file.fullName,
        source: file.path,
        state: 'already-migrated',
        localReasons: [],
        files: kept,
        mapping: [],
      });
      continue;
    }
    const conversion = convertConnectedApp(file.fullName, file.doc.root, {
      devHubOrgId: input.devHubOrgId,
      orgFlowsOn: input.orgFlowsOn,
      oauthLink: input.links?.get(file.fullName),
    });
    const migration: AppMigration = {
      app: file.fullName,
      source: file.path,
      state: conversion.blocked ? 'blocked' : 'migrated',
      distributionState: conversion.distributionState,
      localReasons: conversion.localReasons,
      files: [],
      mapping: conversion.mapping,
    };
    apps.push(migration);
    if (conversion.blocked) continue;
    generated.set(file.fullName, conversion.files);
    for (const converted of conversion.files) {
      // once the Dev Hub owns a packaged app, its global settings live there and only there
      const inHub = input.hubOwnsGlobalSettings && conversion.distributionState === 'Packaged';
      if (inHub && converted.type === GLOBAL_OAUTH_TYPE) continue;
      const type = ecaType(converted.type);
      const root = converted.packageable ? packageRoot(file, input.outputDir) : input.nonPackageableDir;
      const target = join(root, type.directoryName, sourceFileName(type, converted.fullName));
      const bytes = Buffer.from(converted.text, 'utf8');
      const before = await existing(target);
      const path = projectPath(catalog.project, target);
      const action = before === undefined ? 'create' : before.equals(bytes) ? 'unchanged' : 'kept';
      migration.files.push({ path, type: converted.type, packageable: converted.packageable, action });
      if (action === 'create')
        changes.push(change(target, bytes, `${converted.type} of ${file.fullName}, migrated from ${file.path}`));
    }
  }

  // global OAuth settings never go where git would commit them
  if (changes.some((c) => c.path.includes(`/${ecaType(GLOBAL_OAUTH_TYPE).directoryName}/`))) {
    const gitignore = join(input.nonPackageableDir, '.gitignore');
    const before = await existing(gitignore);
    const text = before?.toString('utf8') ?? '';
    if (!text.split(/\r?\n/).some((l) => l.trim() === GITIGNORE_LINE)) {
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const after = `${text}${text === '' || text.endsWith('\n') ? '' : eol}${GITIGNORE_LINE}${eol}`;
      changes.push(change(gitignore, Buffer.from(after, 'utf8'), `keeps ${GITIGNORE_LINE} out of git`, before));
    }
  }
  // once the Dev Hub owns the apps the project is prepared as `sf eca prepare` leaves it: .forceignore keeps the
  // non-packageable folders out of package versions (offline, the files must still be deployable to the Dev Hub)
  if (input.hubOwnsGlobalSettings && changes.length) {
    const forceIgnorePath = join(catalog.project.root, FORCEIGNORE);
    const current = await readFile(forceIgnorePath, 'utf8').catch(() => undefined);
    const { text, added } = withExclusions(current, excludedFolderLines());
    if (added.length) {
      const before = current === undefined ? undefined : Buffer.from(current, 'utf8');
      changes.push(change(forceIgnorePath, Buffer.from(text, 'utf8'), `added ${added.join(' ')}`, before));
    }
  }
  return { apps, changes, generated };
}
