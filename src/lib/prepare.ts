import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { appsInPackageDirs, type App, type Catalog, type CatalogFile } from './catalog.js';
import { EcaType, HEADER_TYPE, OAUTH_SETTINGS_TYPE, ecaType, sourceFileName, typeOfFile } from './family.js';
import { secretElements, secretKindsIn } from './secrets.js';
import { FORCEIGNORE, excludedFolderLines, judge, withExclusions } from './forceignore.js';
import type { RetrievedApp } from './org.js';
import type { PackageDir } from './project.js';
import { projectPath } from './project.js';
import { PlannedChange } from './plan.js';
import { linkOauthSettings, packageHeader } from './rewrite.js';
import { child, encodeFile } from './xml.js';

/** What `sf eca prepare` will do to the project, worked out in full before anything is written. */

/** What planning one app's packageable files needs; shared by prepare and link-scratch. */
export type AppPlanInput = {
  catalog: Catalog;
  devHubOrgId?: string;
  /** the Dev Hub's apps, retrieved into memory; absent offline */
  hubApps?: Map<string, RetrievedApp>;
  /** oauthLink per app when it does not come from the Dev Hub's files (link-scratch --consumer-id) */
  links?: Map<string, string>;
  outputDir: PackageDir;
  /** leave out the app's other settings types (link-scratch deploys only the header and OAuth settings) */
  headerAndOauthOnly?: boolean;
};

export type PrepareInput = AppPlanInput & {
  /** --name; default: every retrieved app, or offline every app with a header in a package directory */
  names?: string[];
  /** where the user's non-packageable files go, outside every package directory */
  nonPackageableDir: string;
  deleteNonPackageable: boolean;
};

export type PrepareNote = { app?: string; key: string; tokens: string[] };

export type PreparePlan = {
  apps: string[];
  changes: PlannedChange[];
  forceIgnoreText: string;
  forceIgnoreAdded: string[];
  notes: PrepareNote[];
};

export class PrepareConflict extends Error {
  public constructor(public readonly key: string, public readonly tokens: string[]) {
    super(key);
  }
}

function inPackage(files: CatalogFile[]): CatalogFile[] {
  return files.filter((f) => f.packageDir && f.doc && f.form === 'source');
}

/** The folder that holds the type folders of an app already in the project, or the standard one of --output-dir. */
function layoutRoot(app: App | undefined, outputDir: PackageDir): string {
  const placed = app ? inPackage([...app.headers, ...app.plugins])[0] : undefined;
  return placed ? dirname(dirname(placed.fullPath)) : join(outputDir.fullPath, 'main', 'default');
}

function change(catalog: Catalog, action: PlannedChange['action'], fullPath: string, detail: string, extra: Partial<PlannedChange>): PlannedChange {
  return { action, fullPath, path: projectPath(catalog.project, fullPath), detail, ...extra };
}

/** Writes a retrieved or local file with its rewrite: an update when the file is the project's, a create otherwise. */
function placeFile(catalog: Catalog, local: CatalogFile | undefined, hub: CatalogFile | undefined, target: string, rewrite: (f: CatalogFile) => { bytes: Buffer; changed: string[] }): PlannedChange | undefined {
  const base = local ?? hub;
  if (!base?.doc) return undefined;
  const result = rewrite(base);
  if (local) {
    if (result.changed.length === 0) return undefined;
    return change(catalog, 'update', local.fullPath, `rewrote ${result.changed.join(', ')}`, { before: fileBytes(local), after: result.bytes });
  }
  const what = result.changed.length ? `retrieved; set ${result.changed.join(', ')}` : 'retrieved';
  return change(catalog, 'create', target, what, { after: result.bytes });
}

function fileBytes(file: CatalogFile): Buffer {
  return encodeFile(file.decoded!);
}

function targetFor(root: string, type: EcaType, fullName: string): string {
  return join(root, type.directoryName, sourceFileName(type, fullName));
}


/** The header and OAuth settings of one app, packageable and linked, plus the other settings types that may travel. */
export function planAppChanges(input: AppPlanInput, name: string): { changes: PlannedChange[]; notes: PrepareNote[] } {
  const changes: PlannedChange[] = [];
  const notes: PrepareNote[] = [];
  planApp(input, name, changes, notes);
  return { changes, notes };
}

/**
 * Nothing this plugin writes may hold a secret: a file whose new content holds one (from the org, or already in a
 * local file being rewritten) is left out and named, its value never shown.
 */
function withoutSecrets(changes: PlannedChange[], notes: PrepareNote[]): PlannedChange[] {
  return changes.filter((c) => {
    const kinds = c.after ? secretKindsIn(c.after, typeOfFile(basename(c.fullPath))?.type.name) : [];
    if (kinds.length) notes.push({ key: 'note.SecretLeftOut', tokens: [c.path, kinds.join(', ')] });
    return kinds.length === 0;
  });
}

function planApp(input: AppPlanInput, name: string, changes: PlannedChange[], notes: PrepareNote[]): void {
  const planned: PlannedChange[] = [];
  planAppFiles(input, name, planned, notes);
  changes.push(...withoutSecrets(planned, notes));
}

function planAppFiles(input: AppPlanInput, name: string, changes: PlannedChange[], notes: PrepareNote[]): void {
  const { catalog, devHubOrgId } = input;
  const app = catalog.apps.get(name);
  const hub = input.hubApps?.get(name);
  const root = layoutRoot(app, input.outputDir);
  const local = (typeName: string): CatalogFile | undefined => inPackage(app ? [...app.headers, ...app.plugins] : []).find((f) => f.type?.name === typeName);

  const headerChange = placeFile(catalog, local(HEADER_TYPE), hub?.header, targetFor(root, ecaType(HEADER_TYPE), name), (f) => packageHeader(f, devHubOrgId));
  if (headerChange) changes.push(headerChange);
  if (!local(HEADER_TYPE) && !hub?.header) notes.push({ app: name, key: 'note.NoHeader', tokens: [name] });

  const hubSettings = hub?.oauthSettings;
  const hubLink = input.links?.get(name) ?? (hubSettings?.doc ? child(hubSettings.doc.root, 'oauthLink')?.text.trim() : undefined);
  const localSettings = local(OAUTH_SETTINGS_TYPE);
  if (hub && hubSettings && !hubLink) notes.push({ app: name, key: 'note.NoConsumer', tokens: [name] });
  if (hub && !hubSettings && !localSettings) notes.push({ app: name, key: 'note.NoOauthPlugin', tokens: [name] });
  const settingsBase = localSettings ?? hubSettings;
  if (settingsBase) {
    const target = targetFor(root, ecaType(OAUTH_SETTINGS_TYPE), settingsBase.fullName);
    const settingsChange = placeFile(catalog, localSettings, hubSettings, target, (f) =>
      hubLink ? linkOauthSettings(f, hubLink) : { bytes: fileBytes(f), changed: [] }
    );
    if (settingsChange) changes.push(settingsChange);
  }

  // other settings types travel with the app when they carry no secret; global settings never leave memory
  for (const file of input.headerAndOauthOnly ? [] : hub?.files ?? []) {
    const type = file.type!;
    if (type.role !== 'settings' || type.name === OAUTH_SETTINGS_TYPE || local(type.name)) continue;
    if (type.packageable === false || (file.doc && secretElements(file.doc.root, type.name).length)) {
      notes.push({ app: name, key: 'note.SkippedSettings', tokens: [type.name, name] });
      continue;
    }
    changes.push(change(catalog, 'create', targetFor(root, type, file.fullName), 'retrieved', { after: fileBytes(file) }));
  }
}

/** The user's own files that must not be packaged, moved (or deleted) out of every package directory. */
async function planNonPackageable(input: PrepareInput, changes: PlannedChange[]): Promise<void> {
  const { catalog } = input;
  for (const file of catalog.files.filter((f) => f.type && f.type.packageable === false && f.packageDir)) {
    const before = await readFile(file.fullPath);
    if (input.deleteNonPackageable) {
      changes.push(change(catalog, 'delete', file.fullPath, `${file.type!.name} must not be packaged`, { before }));
      continue;
    }
    const target = join(input.nonPackageableDir, file.type!.directoryName, basename(file.fullPath));
    const existing = await readFile(target).catch(() => undefined);
    if (existing && !existing.equals(before)) {
      throw new PrepareConflict('error.MoveConflict', [file.path, projectPath(catalog.project, target)]);
    }
    if (existing) {
      changes.push(change(catalog, 'delete', file.fullPath, `an identical copy is already in ${projectPath(catalog.project, target)}`, { before }));
    } else {
      changes.push({ ...change(catalog, 'move', target, `${file.type!.name} must not be packaged`, {}), fromFullPath: file.fullPath });
    }
  }
}

/** Paths where each package directory could hold a non-packageable file: SDR's own .forceignore must deny them all. */
export function forceIgnoreProbes(catalog: Catalog): string[] {
  const types = excludedFolderLines().map((l) => l.replace(/^\*\*\//, '').replace(/\/\*\*$/, ''));
  return catalog.project.packageDirs.flatMap((dir) =>
    types.flatMap((folder) => [join(dir.fullPath, 'main', 'default', folder, 'Probe.xml'), join(dir.fullPath, folder, 'Probe.xml')])
  );
}

export async function planPrepare(input: PrepareInput): Promise<PreparePlan> {
  const { catalog } = input;
  const apps = input.names?.length
    ? input.names
    : input.hubApps
      ? [...input.hubApps.keys()]
      : appsInPackageDirs(catalog);
  const changes: PlannedChange[] = [];
  const notes: PrepareNote[] = [];
  const refused = new Set([...(input.hubApps?.values() ?? [])].flatMap((a) => a.refused ?? []));
  for (const entry of refused) notes.push({ key: 'note.RefusedEntry', tokens: [entry] });
  for (const name of apps) planApp(input, name, changes, notes);
  await planNonPackageable(input, changes);

  const forceIgnorePath = join(catalog.project.root, FORCEIGNORE);
  const current = await readFile(forceIgnorePath, 'utf8').catch(() => undefined);
  const { text, added } = withExclusions(current, excludedFolderLines());
  const denies = judge(catalog.project.root, text);
  const leaking = forceIgnoreProbes(catalog).filter((p) => !denies(p));
  if (leaking.length) throw new PrepareConflict('error.ForceIgnoreLeaks', [projectPath(catalog.project, dirname(leaking[0]))]);
  if (added.length) {
    const before = current === undefined ? undefined : Buffer.from(current, 'utf8');
    const detail = `${current === undefined ? 'created with' : 'added'} ${added.join(' ')}`;
    changes.push(change(catalog, current === undefined ? 'create' : 'update', forceIgnorePath, detail, { before, after: Buffer.from(text, 'utf8') }));
  }
  return { apps, changes, forceIgnoreText: text, forceIgnoreAdded: added, notes };
}
