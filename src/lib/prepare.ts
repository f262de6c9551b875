import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Org } from '@salesforce/core';
import type { Duration } from '@salesforce/kit';
import { Messages } from '@salesforce/core/messages';
import {
  appsInPackageDirs,
  componentName,
  elementText,
  entersPackage,
  isPackageSource,
  mdapiCopiesBesideTwin,
  type App,
  type Catalog,
  type CatalogFile,
} from './catalog.js';
import {
  EcaType,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_SETTINGS_TYPE,
  ecaType,
  sourceFileName,
  typeOfFile,
} from './family.js';
import { secretElements, secretKindsIn } from './secrets.js';
import { onInterrupt } from './interrupt.js';
import { printable } from './names.js';
import { FORCEIGNORE, excludedFolderLines, judgeText, withExclusions, type ForceIgnoreJudge } from './forceignore.js';
import { unknownNames } from './similar.js';
import { builtLink, isOrgId, sameId, splitPair } from './ids.js';
import { hubOauthLink, type RetrievedApp } from './hub-app.js';
import { defaultPackageDir, packageDirOf, projectPath, type PackageDir } from './project.js';
import { check, loadCatalog } from './check.js';
import { readDevHub, withSpinner, type Ui } from './command.js';
import { printCheckResult } from './output.js';
import { failOnOf, type CheckResult, type FailOn } from './report.js';
import { ruleText } from './rules/rule.js';
import { renderTable } from './table.js';
import { ChangeSummary, PlannedChange, applyPlan, catalogAfter, planDiff, summarize } from './plan.js';
import { describeRewrite, linkOauthSettings, packageHeader, type Rewrite } from './rewrite.js';
import { encodeFile } from './xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.preparation');

/** What `sf eca prepare` will do to the project, worked out in full before anything is written. */

/** Whether two `<org id>:<…>` links name the same org (15-character comparison); an unreadable link names none. */
function sameOrg(a: string, b: string): boolean {
  const left = splitPair(a);
  const right = splitPair(b);
  return Boolean(left && right && isOrgId(left.left) && sameId(left.left, right.left));
}

/** What planning one app's packageable files needs; shared by prepare and link-scratch. */
export type AppPlanInput = {
  catalog: Catalog;
  devHubOrgId?: string;
  /** the Dev Hub's apps, retrieved into memory; absent offline */
  hubApps?: Map<string, RetrievedApp>;
  /** oauthLink per app when it does not come from the Dev Hub's files (--consumer-id) */
  links?: Map<string, string>;
  /** `links` were typed by the user (--consumer-id), not read from the Dev Hub: another org's link is not replaced silently */
  linksFromFlags?: boolean;
  /** --replace-link: the user's word that a link naming another org may be replaced */
  replaceLink?: boolean;
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

export type PreparePlan = {
  apps: string[];
  changes: PlannedChange[];
  /** the .forceignore the project has once the plan is applied */
  forceIgnore: ForceIgnoreJudge;
  /** what the user should know: apps that could not be prepared in full, files left out */
  notes: string[];
};

function inPackage(files: CatalogFile[]): CatalogFile[] {
  return files.filter(isPackageSource);
}

/** The folder that holds the type folders of an app already in the project, or the standard one of --output-dir. */
function layoutRoot(app: App | undefined, outputDir: PackageDir): string {
  const placed = app ? inPackage([...app.headers, ...app.plugins])[0] : undefined;
  return placed ? dirname(dirname(placed.fullPath)) : join(outputDir.fullPath, 'main', 'default');
}

function change(
  catalog: Catalog,
  action: PlannedChange['action'],
  fullPath: string,
  detail: string,
  extra: Partial<PlannedChange>,
): PlannedChange {
  return { action, fullPath, path: projectPath(catalog.project, fullPath), detail, ...extra };
}

/** Writes a retrieved or local file with its rewrite: an update when the file is the project's, a create otherwise. */
function placeFile(
  catalog: Catalog,
  local: CatalogFile | undefined,
  hub: CatalogFile | undefined,
  target: string,
  rewrite: (f: CatalogFile) => Rewrite,
): PlannedChange | undefined {
  const base = local ?? hub;
  if (!base?.doc) return undefined;
  const result = rewrite(base);
  if (local) {
    if (result.changed.length === 0) return undefined;
    return change(catalog, 'update', local.fullPath, describeRewrite(result), {
      before: fileBytes(local),
      after: result.bytes,
    });
  }
  const what = result.changed.length ? `retrieved; ${describeRewrite(result)}` : 'retrieved';
  return change(catalog, 'create', target, what, { after: result.bytes });
}

function fileBytes(file: CatalogFile): Buffer {
  return encodeFile(file.decoded!);
}

function targetFor(root: string, type: EcaType, fullName: string): string {
  return join(root, type.directoryName, sourceFileName(type, fullName));
}

/** The header and OAuth settings of one app, packageable and linked, plus the other settings types that may travel. */
export function planAppChanges(input: AppPlanInput, name: string): { changes: PlannedChange[]; notes: string[] } {
  const changes: PlannedChange[] = [];
  const notes: string[] = [];
  planApp(input, name, changes, notes);
  return { changes, notes };
}

/**
 * Nothing this plugin writes may hold a secret: a file whose new content holds one (from the org, or already in a
 * local file being rewritten) is left out and named, its value never shown.
 */
function withoutSecrets(changes: PlannedChange[], notes: string[]): PlannedChange[] {
  return changes.filter((c) => {
    const kinds = c.after ? secretKindsIn(c.after, typeOfFile(basename(c.fullPath))?.type.name) : [];
    if (kinds.length) notes.push(messages.getMessage('note.SecretLeftOut', [c.path, kinds.join(', ')]));
    return kinds.length === 0;
  });
}

function planApp(input: AppPlanInput, name: string, changes: PlannedChange[], notes: string[]): void {
  const planned: PlannedChange[] = [];
  planAppFiles(input, name, planned, notes);
  changes.push(...withoutSecrets(planned, notes));
}

function planAppFiles(input: AppPlanInput, name: string, changes: PlannedChange[], notes: string[]): void {
  const { catalog, devHubOrgId } = input;
  const app = catalog.apps.get(name);
  const hub = input.hubApps?.get(name);
  const root = layoutRoot(app, input.outputDir);
  const local = (typeName: string): CatalogFile | undefined =>
    inPackage(app ? [...app.headers, ...app.plugins] : []).find((f) => f.type?.name === typeName);

  const headerChange = placeFile(
    catalog,
    local(HEADER_TYPE),
    hub?.header,
    targetFor(root, ecaType(HEADER_TYPE), name),
    (f) => packageHeader(f, devHubOrgId),
  );
  if (headerChange) changes.push(headerChange);
  if (!local(HEADER_TYPE) && !hub?.header) notes.push(messages.getMessage('note.NoHeader', [name]));

  const hubSettings = hub?.oauthSettings;
  const hubLink = input.links?.get(name) ?? (hub ? hubOauthLink(hub) : undefined);
  const localSettings = local(OAUTH_SETTINGS_TYPE);
  if (hub && hubSettings && !hubLink)
    notes.push(`${ruleText('hub-app.noConsumer', [name])}. ${ruleText('hub-app.noConsumer.fix', [])}`);
  if (hub && !hubSettings && !localSettings) notes.push(messages.getMessage('note.NoOauthPlugin', [name]));
  const settingsBase = localSettings ?? hubSettings;
  const current = localSettings ? elementText(localSettings, 'oauthLink') : undefined;
  if (input.linksFromFlags && !input.replaceLink && hubLink && current && !sameOrg(current, hubLink)) {
    throw messages.createError('error.OtherOrgLink', [localSettings!.path, current, hubLink]);
  }
  if (settingsBase) {
    const target = targetFor(root, ecaType(OAUTH_SETTINGS_TYPE), settingsBase.fullName);
    const settingsChange = placeFile(catalog, localSettings, hubSettings, target, (f) =>
      hubLink ? linkOauthSettings(f, hubLink) : { bytes: fileBytes(f), changed: [], added: [] },
    );
    if (settingsChange) changes.push(settingsChange);
  }

  // other settings types travel with the app when they carry no secret; global settings never leave memory
  for (const file of input.headerAndOauthOnly ? [] : (hub?.files ?? [])) {
    const type = file.type!;
    if (type.role !== 'settings' || type.name === OAUTH_SETTINGS_TYPE || local(type.name)) continue;
    if (type.packageable === false || (file.doc && secretElements(file.doc.root, type.name).length)) {
      notes.push(messages.getMessage('note.SkippedSettings', [type.name, name]));
      continue;
    }
    changes.push(
      change(catalog, 'create', targetFor(root, type, file.fullName), 'retrieved', { after: fileBytes(file) }),
    );
  }
}

/** The line of the non-packageable folder's .gitignore that keeps the global OAuth settings out of git. */
const GLOBAL_SETTINGS_GITIGNORE_LINE = `${ecaType(GLOBAL_OAUTH_TYPE).directoryName}/`;

/**
 * Global OAuth settings moved out of the package directories must not land where git commits them: the folder
 * they go to gets a .gitignore line for their type folder (created, or added to the user's own file).
 */
async function planGitignore(input: PrepareInput, changes: PlannedChange[]): Promise<void> {
  const folder = GLOBAL_SETTINGS_GITIGNORE_LINE.slice(0, -1);
  const movesGlobal = changes.some((c) => c.action === 'move' && basename(dirname(c.fullPath)) === folder);
  const holdsGlobal = input.catalog.files.some(
    (f) => f.type?.name === GLOBAL_OAUTH_TYPE && f.fullPath.startsWith(join(input.nonPackageableDir, folder) + sep),
  );
  if (!movesGlobal && !holdsGlobal) return;
  const path = join(input.nonPackageableDir, '.gitignore');
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current?.split(/\r?\n/).some((l) => l.trim() === GLOBAL_SETTINGS_GITIGNORE_LINE)) return;
  const eol = current?.includes('\r\n') ? '\r\n' : '\n';
  const separator = current === undefined || current === '' || current.endsWith('\n') ? '' : eol;
  const text = `${current ?? ''}${separator}${GLOBAL_SETTINGS_GITIGNORE_LINE}${eol}`;
  const detail = `${current === undefined ? 'created with' : 'added'} ${GLOBAL_SETTINGS_GITIGNORE_LINE}: global OAuth settings stay out of git`;
  changes.push(
    change(input.catalog, current === undefined ? 'create' : 'update', path, detail, {
      before: current === undefined ? undefined : Buffer.from(current, 'utf8'),
      after: Buffer.from(text, 'utf8'),
    }),
  );
}

/**
 * Moves a file out of every package directory into the non-packageable folder, under its type folder; when an
 * identical copy is already there the file is deleted, a different one stops the command before anything is written.
 */
async function planMoveOut(
  input: PrepareInput,
  file: CatalogFile,
  why: string,
  changes: PlannedChange[],
): Promise<void> {
  const { catalog } = input;
  const before = await readFile(file.fullPath);
  const target = join(input.nonPackageableDir, file.type!.directoryName, basename(file.fullPath));
  const existing = await readFile(target).catch(() => undefined);
  if (existing && !existing.equals(before)) {
    throw messages.createError('error.MoveConflict', [file.path, projectPath(catalog.project, target)]);
  }
  if (existing) {
    const detail = `an identical copy is already in ${projectPath(catalog.project, target)}`;
    changes.push(change(catalog, 'delete', file.fullPath, detail, { before }));
  } else {
    changes.push({ ...change(catalog, 'move', target, why, {}), fromFullPath: file.fullPath });
  }
}

/** The user's own files that must not be packaged, moved (or deleted) out of every package directory. */
async function planNonPackageable(input: PrepareInput, changes: PlannedChange[]): Promise<void> {
  const { catalog } = input;
  for (const file of catalog.files.filter((f) => f.type && f.type.packageable === false && f.packageDir)) {
    const why = `${file.type!.name} must not be packaged`;
    if (input.deleteNonPackageable) {
      changes.push(change(catalog, 'delete', file.fullPath, why, { before: await readFile(file.fullPath) }));
      continue;
    }
    await planMoveOut(input, file, why, changes);
  }
}

/**
 * Metadata-format copies (`X.ecaOauth`, `00D…:App.eca`) of packageable types beside their source-format twin in the
 * same package directory: SDR resolves such a copy as a second source of the same component and converts both to one
 * file of the package version, so the version may carry the stale copy. They move out like the non-packageable files,
 * even with --delete-non-packageable (a copy is the user's data and may differ from its twin); a copy without a twin
 * is the component's only source and stays.
 */
async function planMdapiCopies(input: PrepareInput, changes: PlannedChange[]): Promise<void> {
  const packaged = input.catalog.files.filter(
    (f) => f.kind === 'eca' && f.type?.packageable !== false && entersPackage(f),
  );
  for (const file of mdapiCopiesBesideTwin(packaged)) {
    const twin = sourceFileName(file.type!, componentName(file.fullName));
    await planMoveOut(input, file, `metadata-format copy of ${twin}: the package build would read both`, changes);
  }
}

/** Paths where each package directory could hold a non-packageable file: SDR's own .forceignore must deny them all. */
export function forceIgnoreProbes(catalog: Catalog): string[] {
  const types = excludedFolderLines().map((l) => l.replace(/^\*\*\//, '').replace(/\/\*\*$/, ''));
  return catalog.project.packageDirs.flatMap((dir) =>
    types.flatMap((folder) => [
      join(dir.fullPath, 'main', 'default', folder, 'Probe.xml'),
      join(dir.fullPath, folder, 'Probe.xml'),
    ]),
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
  const notes: string[] = [];
  const refused = new Set([...(input.hubApps?.values() ?? [])].flatMap((a) => a.refused ?? []));
  for (const entry of refused) notes.push(messages.getMessage('note.RefusedEntry', [entry]));
  for (const name of apps) planApp(input, name, changes, notes);
  await planNonPackageable(input, changes);
  await planMdapiCopies(input, changes);
  await planGitignore(input, changes);

  const forceIgnorePath = join(catalog.project.root, FORCEIGNORE);
  const current = await readFile(forceIgnorePath, 'utf8').catch(() => undefined);
  const { text, added } = withExclusions(current, excludedFolderLines());
  const forceIgnore = judgeText(catalog.project.root, text);
  const leaking = forceIgnoreProbes(catalog).filter((p) => !forceIgnore.denies(p));
  if (leaking.length)
    throw messages.createError('error.ForceIgnoreLeaks', [projectPath(catalog.project, dirname(leaking[0]))]);
  if (added.length) {
    const before = current === undefined ? undefined : Buffer.from(current, 'utf8');
    const detail = `${current === undefined ? 'created with' : 'added'} ${added.join(' ')}`;
    changes.push(
      change(catalog, current === undefined ? 'create' : 'update', forceIgnorePath, detail, {
        before,
        after: Buffer.from(text, 'utf8'),
      }),
    );
  }
  return { apps, changes, forceIgnore, notes };
}

/** The flags of `sf eca prepare`, as the command parses them. */
export type PrepareFlags = {
  /** the Dev Hub to retrieve from; required unless --no-retrieve */
  'target-dev-hub'?: Org;
  'dev-hub-org-id'?: string;
  /** the Dev Hub's OAuth consumer of the one app prepared offline: writes its oauthLink */
  'consumer-id'?: string;
  'replace-link'?: boolean;
  name?: string[];
  /** as given; default: the default package directory */
  'output-dir'?: string;
  'source-dir'?: string[];
  /** as given, relative to the project */
  'non-packageable-dir': string;
  'delete-non-packageable': boolean;
  retrieve: boolean;
  'dry-run': boolean;
  'api-version'?: string;
  wait: Duration;
  /** as given: without it the project's plugins.eca.failOn decides */
  'fail-on'?: FailOn;
};

export type PrepareResult = {
  dryRun: boolean;
  devHubOrgId?: string;
  apps: string[];
  changes: ChangeSummary[];
  notes: string[];
  diff?: string;
  check: CheckResult;
};

/**
 * A mistyped --name stops the command (exit 2) and names the apps it could mean; names are case-sensitive, as in the
 * org. Shared by prepare and link-scratch.
 */
export function rejectUnknownNames(names: readonly string[], known: readonly string[], key: string): void {
  const [unknown] = unknownNames(names, [...new Set(known)]);
  if (!unknown) return;
  const candidates = unknown.lookAlikes.length ? unknown.lookAlikes : [...new Set(known)].sort();
  const hint = candidates.length ? candidates.join(', ') : '(none)';
  throw messages.createError(key, [unknown.name], [unknown.lookAlikes.length ? 'Did you mean' : 'The apps are', hint]);
}

/** --consumer-id belongs to one app: the one --name gives, or the only app of the project. */
function offlineLinks(
  catalog: Catalog,
  names: string[] | undefined,
  devHubOrgId: string,
  consumerId: string,
): Map<string, string> {
  const named = [...new Set(names ?? [])];
  if (named.length > 1) throw messages.createError('error.OneAppOffline', [String(named.length), named.join(', ')]);
  const candidates = named.length ? named : appsInPackageDirs(catalog);
  if (candidates.length !== 1) throw messages.createError('error.NameRequired');
  return new Map([[candidates[0], builtLink(devHubOrgId, consumerId)]]);
}

/** Retrieves, plans, writes (unless a dry run) and checks the result: the whole of `sf eca prepare`. */
export async function runPrepare(ui: Ui, cwd: string, flags: PrepareFlags): Promise<PrepareResult> {
  const { 'target-dev-hub': hub, 'dry-run': dryRun, 'output-dir': outputDirFlag } = flags;
  if (flags.retrieve && !hub) throw messages.createError('error.NoDevHub');
  const catalog = await loadCatalog(cwd, flags['source-dir']);
  const project = catalog.project;
  const outputDir = outputDirFlag ? packageDirOf(project, resolve(outputDirFlag)) : defaultPackageDir(project);
  if (!outputDir) {
    const dirs = project.packageDirs.map((d) => d.path).join(', ');
    throw messages.createError('error.NotAPackageDir', [outputDirFlag ?? '', dirs]);
  }
  const nonPackageableDir = resolve(project.root, flags['non-packageable-dir']);
  if (packageDirOf(project, nonPackageableDir)) {
    throw messages.createError('error.NonPackageableDirInPackage', [flags['non-packageable-dir']]);
  }
  const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
  const hubApps = flags.retrieve && hub ? await retrieveFromHub(ui, hub, flags, project.namespace) : undefined;
  const names = flags.name;
  const known = [...catalog.apps.keys(), ...[...(hubApps?.values() ?? [])].filter((a) => a.header).map((a) => a.name)];
  rejectUnknownNames(names ?? [], known, 'error.UnknownName');
  const deleteNonPackageable = flags['delete-non-packageable'];
  const links = flags['consumer-id'] ? offlineLinks(catalog, names, devHubOrgId!, flags['consumer-id']) : undefined;
  const input = {
    catalog,
    devHubOrgId,
    hubApps,
    names,
    outputDir,
    nonPackageableDir,
    deleteNonPackageable,
    links,
    linksFromFlags: links !== undefined,
    replaceLink: flags['replace-link'],
  };
  const plan = await planPrepare(input);
  const after = catalogAfter(catalog, plan.changes, plan.forceIgnore);
  // notes quote names and paths from the org and the project
  plan.notes.forEach((n) => ui.warn(printable(n)));

  const changes = summarize(catalog, plan.changes);
  const diff = dryRun ? planDiff(catalog, plan.changes) : undefined;
  if (plan.changes.length === 0) {
    ui.log(messages.getMessage('info.nothing'));
  } else if (dryRun) {
    const count = plan.changes.length;
    ui.log(messages.getMessage('info.dryRun', [`${count} change${count === 1 ? '' : 's'}`]));
    ui.log(diff);
  } else {
    await withSpinner(ui, messages.getMessage('spinner.apply', [String(plan.changes.length)]), async () => {
      onInterrupt(() => ui.spinner.stop(messages.getMessage('spinner.interrupted')));
      try {
        await applyPlan(project.root, plan.changes);
      } finally {
        onInterrupt(undefined);
      }
    });
  }
  if (plan.changes.length) ui.log(changesTable(changes, dryRun) + '\n');

  const result = check(after, { failOn: failOnOf(after.project, flags['fail-on']), context: { devHubOrgId, hubApps } });
  printCheckResult(ui, result);
  const { notes, apps } = plan;
  return { dryRun, devHubOrgId, apps, changes, notes, ...(diff !== undefined ? { diff } : {}), check: result };
}

async function retrieveFromHub(
  ui: Ui,
  hub: Org,
  flags: PrepareFlags,
  namespace: string | undefined,
): Promise<Map<string, RetrievedApp>> {
  const { 'api-version': apiVersion, wait } = flags;
  const message = messages.getMessage('spinner.retrieve', [hub.getUsername() ?? '']);
  const hubApps = await readDevHub(ui, hub, apiVersion, message, (org, conn, onStatus) =>
    org.retrieveApps(conn, {
      apps: flags.name,
      apiVersion,
      timeoutSeconds: wait.seconds,
      onStatus,
      namespace,
    }),
  );
  if (hubApps.size === 0) throw messages.createError('error.NoAppsInOrg', [hub.getUsername() ?? '']);
  return hubApps;
}

function changesTable(changes: ChangeSummary[], dryRun: boolean): string {
  return renderTable(
    changes.map((c) => ({ ...c, from: c.from ?? '' })),
    [
      { key: 'action', name: dryRun ? 'Would' : 'Done' },
      { key: 'path', name: 'File' },
      { key: 'from', name: 'From' },
      { key: 'detail', name: 'What', wrap: true },
    ],
  );
}
