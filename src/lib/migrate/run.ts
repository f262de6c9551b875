import { resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import type { Org } from '@salesforce/core';
import { withSpinner, type Ui } from '../command.js';
import { requiredDevHub } from '../flags.js';
import { loadCatalog } from '../check.js';
import type { RetrievedConnectedApps } from '../org.js';
import { printable } from '../names.js';
import { applyPlan, planDiff, summarize, type ChangeSummary } from '../plan.js';
import { defaultPackageDir, packageDirOf } from '../project.js';
import { renderTable } from '../table.js';
import type { MappingEntry } from './convert.js';
import { findOrgFlowsOn, planMigrate, type AppMigration, type MigrateInput, type MigratePlan } from './plan.js';
import { ecaType, sourceFileName, OAUTH_SETTINGS_TYPE } from '../family.js';
import { childText } from '../xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.migration');

/** The workflow of `sf eca migrate`: find, plan, print, apply, say what comes next. */

export type MigrateOptions = {
  cwd: string;
  /** --target-dev-hub: the new apps are deployed there, and the Dev Hub issues their consumers */
  targetDevHub?: string;
  /** --target-org: the Connected Apps are retrieved from this org (into memory) instead of read from the project */
  targetOrg?: string;
  apiVersion?: string;
  waitSeconds?: number;
  names?: string[];
  sourceDirs?: string[];
  devHubOrgId?: string;
  outputDir?: string;
  nonPackageableDir: string;
  dryRun: boolean;
};

export type AppMigrationResult = AppMigration & {
  /** the entries of `mapping` that were not carried or that block the app */
  notCarried: MappingEntry[];
};

export type MigrateResult = {
  dryRun: boolean;
  devHubOrgId?: string;
  apps: AppMigrationResult[];
  changes: ChangeSummary[];
  diff?: string;
  nextSteps: string[];
  /** --target-org: names the org listed and zip entries it sent that no component can have, left out */
  refused?: string[];
  /** true when every app asked for was migrated or already was */
  passed: boolean;
};

export async function runMigrate(ui: Ui, flags: MigrateOptions): Promise<MigrateResult> {
  const hub = flags.targetDevHub ? await requiredDevHub(flags.targetDevHub) : undefined;
  const sourceOrg = flags.targetOrg ? await sourceOrgNamed(flags.targetOrg) : undefined;
  const options = { ...flags, hub, sourceOrg };
  // the whole project, so that an app already migrated elsewhere is recognised; --source-dir narrows the Connected Apps
  const catalog = await loadCatalog(options.cwd);
  const project = catalog.project;
  const outputDir = options.outputDir ? packageDirOf(project, resolve(options.outputDir)) : defaultPackageDir(project);
  if (!outputDir) {
    const dirs = project.packageDirs.map((d) => d.path).join(', ');
    throw messages.createError('error.NotAPackageDir', [options.outputDir ?? '', dirs]);
  }
  const nonPackageableDir = resolve(project.root, options.nonPackageableDir);
  if (packageDirOf(project, nonPackageableDir)) {
    throw messages.createError('error.NonPackageableDirInPackage', [options.nonPackageableDir]);
  }
  const sourceDirs = options.sourceDirs?.map((d) => resolve(d));
  const devHubOrgId = options.devHubOrgId ?? options.hub?.getOrgId().slice(0, 15);
  const input: MigrateInput = {
    catalog,
    names: options.names,
    sourceDirs,
    devHubOrgId,
    outputDir,
    nonPackageableDir,
    orgFlowsOn: await findOrgFlowsOn(project),
    hubOwnsGlobalSettings: options.hub !== undefined,
  };
  const refused: string[] = [];
  if (options.sourceOrg) {
    const retrieved = await retrieveFromOrg(ui, options.sourceOrg, options);
    input.fromOrg = retrieved.files;
    // named with their control characters shown as escapes: an org's name must not paint the terminal
    refused.push(...retrieved.refused.map(printable));
    const username = options.sourceOrg.getUsername() ?? '';
    for (const entry of refused) ui.warn(messages.getMessage('note.RefusedEntry', [username, entry]));
  }
  let plan = await planMigrate(input);
  if (plan.apps.length === 0) {
    const where = options.sourceOrg ? [options.sourceOrg.getUsername() ?? ''] : (sourceDirs ?? [project.root]);
    throw messages.createError('error.NoConnectedApps', [where.join(', ')]);
  }
  const toHub = options.hub
    ? plan.apps.filter((a) => a.state === 'migrated' && a.distributionState === 'Packaged')
    : [];
  if (options.hub && toHub.length) {
    const username = options.hub.getUsername() ?? '';
    if (options.dryRun) {
      ui.log(messages.getMessage('info.wouldDeploy', [toHub.map((a) => a.app).join(', '), username]));
    } else {
      const links = await deployToHub(
        ui,
        options.hub,
        toHub.map((a) => a.app),
        plan,
        options,
      );
      plan = await planMigrate({ ...input, links });
      for (const app of toHub.filter((a) => !links.has(a.app)))
        ui.warn(messages.getMessage('note.NoConsumer', [app.app, app.app]));
    }
  }

  printApps(ui, plan, options.dryRun);
  const changes = summarize(catalog, plan.changes);
  const diff = options.dryRun ? planDiff(catalog, plan.changes) : undefined;
  if (plan.changes.length === 0) {
    ui.log(messages.getMessage('info.nothing'));
  } else if (options.dryRun) {
    ui.log(messages.getMessage('info.dryRun', [String(plan.changes.length)]));
    ui.log(diff);
  } else {
    await withSpinner(ui, messages.getMessage('spinner.apply', [String(plan.changes.length)]), () =>
      applyPlan(catalog.project.root, plan.changes),
    );
  }
  const inHub = new Set(options.dryRun ? [] : toHub.map((a) => a.app));
  const nextSteps = plan.apps.flatMap((app) =>
    inHub.has(app.app)
      ? [messages.getMessage('next.inHub', [app.app]), messages.getMessage('next.keep', [app.source])]
      : nextStepsOf(app, (path) => catalog.denies(resolve(project.root, path))),
  );
  nextSteps.forEach((step) => ui.log(`\n${step}`));

  const apps = plan.apps.map((a) => ({ ...a, notCarried: a.mapping.filter((m) => m.status !== 'carried') }));
  return {
    dryRun: options.dryRun === true,
    ...(devHubOrgId ? { devHubOrgId } : {}),
    apps,
    changes,
    ...(diff !== undefined ? { diff } : {}),
    nextSteps,
    ...(refused.length ? { refused } : {}),
    passed: plan.apps.every((a) => a.state !== 'blocked'),
  };
}

function stateText(app: AppMigration): string {
  if (app.state === 'migrated') return messages.getMessage('state.migrated', [app.distributionState ?? '']);
  if (app.state === 'already-migrated') {
    return messages.getMessage('state.already-migrated', [app.files.map((f) => f.path).join(', ')]);
  }
  return messages.getMessage('state.blocked');
}

/** One block per app: what happened, and the elements that were not carried (all of them with --dry-run). */
function printApps(ui: Ui, plan: MigratePlan, dryRun: boolean): void {
  for (const app of plan.apps) {
    ui.log(messages.getMessage('info.app', [app.app, app.source, stateText(app)]));
    if (app.state === 'migrated' && app.distributionState === 'Local') {
      app.localReasons.forEach((r) => ui.log(messages.getMessage('info.local', [r])));
    }
    const rows = app.mapping.filter((m) => dryRun || m.status !== 'carried');
    if (rows.length === 0) continue;
    ui.log(
      renderTable(
        rows.map((m) => ({
          from: m.file ? `${m.from} (${m.file}:${m.line})` : `${m.from} (line ${m.line})`,
          status: m.status,
          to: m.to.join('\n'),
          reason: m.reason ?? '',
        })),
        [
          { key: 'from', name: 'Connected App element' },
          { key: 'status', name: 'Status' },
          { key: 'to', name: 'External Client App element' },
          { key: 'reason', name: 'Why', wrap: true },
        ],
      ) + '\n',
    );
  }
}

/** What the user does next with one app: deploy it where it belongs, link it, keep the Connected App for a while. */
function nextStepsOf(app: AppMigration, forceIgnored: (path: string) => boolean): string[] {
  if (app.state === 'blocked') return [messages.getMessage('next.blocked', [app.app])];
  if (app.state !== 'migrated') return [];
  const files = app.files.filter((f) => f.action !== 'kept').map((f) => f.path);
  const sourceDirFlags = files.map((f) => `--source-dir ${f}`).join(' ');
  const saml = app.localReasons.length > 0 && app.files.every((f) => !f.packageable);
  const oauth = app.files.some((f) => f.type === OAUTH_SETTINGS_TYPE);
  const steps = saml
    ? [messages.getMessage('next.deployLocal', [app.app, sourceDirFlags])]
    : oauth
      ? [
          messages.getMessage('next.deploy', [
            app.app,
            sourceDirFlags,
            app.distributionState === 'Local' ? messages.getMessage('next.makePackaged') : '',
            app.app,
          ]),
        ]
      : [messages.getMessage('next.deployNoOauth', [app.app, sourceDirFlags])];
  if (!saml && !oauth && app.distributionState === 'Local')
    steps.push(messages.getMessage('next.noOauthLocal', [app.app]));
  const ignored = files.filter(forceIgnored);
  if (ignored.length) steps.push(messages.getMessage('next.forceIgnored', [ignored.join(', ')]));
  steps.push(messages.getMessage('next.keep', [app.source]));
  return steps;
}

/**
 * Deploys the generated family of each app (global settings included, from a temporary folder outside the project)
 * to the Dev Hub, which then owns the apps and issues their consumers, and reads back each app's oauthLink.
 */
async function deployToHub(
  ui: Ui,
  hub: Org,
  apps: string[],
  plan: MigratePlan,
  options: Pick<MigrateOptions, 'apiVersion' | 'waitSeconds'>,
): Promise<Map<string, string>> {
  const org = await import('../org.js');
  const conn = hub.getConnection(options.apiVersion);
  const username = hub.getUsername() ?? '';
  const files = apps.flatMap((app) =>
    (plan.generated.get(app) ?? []).map((f) => {
      const type = ecaType(f.type);
      const fileName = sourceFileName(type, f.fullName);
      return {
        type: f.type,
        fullName: f.fullName,
        relativePath: `${type.directoryName}/${fileName}`,
        bytes: Buffer.from(f.text),
      };
    }),
  );
  const timing = { apiVersion: options.apiVersion, timeoutSeconds: options.waitSeconds };
  const outcome = await withSpinner(
    ui,
    messages.getMessage('spinner.deploy', [String(apps.length), username]),
    (onStatus) => org.deployFiles(conn, files, { ...timing, onStatus }),
  );
  if (!outcome.success) {
    const problems = outcome.problems.map((p) => `${p.type} ${p.fullName}: ${p.problem}`).join('; ');
    throw messages.createError('error.DeployFailed', [username, problems || outcome.status]);
  }
  const retrieved = await withSpinner(ui, messages.getMessage('spinner.retrieve', [username]), (onStatus) =>
    org.retrieveApps(conn, { ...timing, apps, onStatus }),
  );
  const links = new Map<string, string>();
  for (const app of apps) {
    const settings = retrieved.get(app)?.files.find((f) => f.type?.name === OAUTH_SETTINGS_TYPE && f.doc);
    const link = settings?.doc ? childText(settings.doc.root, 'oauthLink') : undefined;
    if (link) links.set(app, link);
  }
  return links;
}

/** The Connected Apps of --target-org, by --name or all, read into memory. */
async function retrieveFromOrg(
  ui: Ui,
  source: Org,
  options: Pick<MigrateOptions, 'apiVersion' | 'waitSeconds' | 'names'>,
): Promise<RetrievedConnectedApps> {
  const org = await import('../org.js');
  const message = messages.getMessage('spinner.retrieveConnectedApps', [source.getUsername() ?? '']);
  return withSpinner(ui, message, (onStatus) =>
    org.retrieveConnectedApps(source.getConnection(options.apiVersion), {
      apps: options.names,
      apiVersion: options.apiVersion,
      timeoutSeconds: options.waitSeconds,
      onStatus,
    }),
  );
}

/** The org named by --target-org (an alias or username the CLI knows). */
async function sourceOrgNamed(aliasOrUsername: string): Promise<Org> {
  const { Org: OrgClass } = await import('@salesforce/core');
  return OrgClass.create({ aliasOrUsername });
}
