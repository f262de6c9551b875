import type { Org } from '@salesforce/core';
import { SfError } from '@salesforce/core/sfError';
import type { Duration } from '@salesforce/kit';
import { Messages } from '@salesforce/core/messages';
import { appsInPackageDirs, elementText, isPackageSource, type Catalog, type CatalogFile } from './catalog.js';
import { loadCatalog } from './check.js';
import { readDevHub, withSpinner, type Ui } from './command.js';
import { HEADER_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE, ecaType, sourceFileName } from './family.js';
import { hubAppProblems, hubDistributionState, hubOauthLink, type RetrievedApp } from './hub-app.js';
import { builtLink, sameId, samePair } from './ids.js';
import type { DeployFile, DeployOutcome } from './org.js';
import { ChangeSummary, PlannedChange, applyPlan, catalogAfter, planDiff, summarize } from './plan.js';
import { planAppChanges, rejectUnknownNames } from './prepare.js';
import { defaultPackageDir } from './project.js';
import { ruleText } from './rules/rule.js';
import { ScratchDefGap, scratchDefinitionGaps } from './scratch-def.js';
import { escapeText } from './xml.js';

/**
 * `sf eca link-scratch`: where the link comes from, exactly what is deployed, and the deploy that proves it holds.
 * Org access (SDR) is loaded only when the Dev Hub or the scratch org is read.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.link');

/** The Dev Hub's oauthLink for the app, verbatim, or an error that says why the app cannot be linked yet. */
export function hubLink(app: RetrievedApp): string {
  const problem = hubAppProblems(app)[0];
  if (problem === 'missing') throw messages.createError('error.AppNotInHub', [app.name]);
  if (problem === 'local') throw messages.createError('error.SourceLocal', [app.name, hubDistributionState(app)]);
  const link = hubOauthLink(app);
  if (!link) {
    throw new SfError(ruleText('hub-app.noConsumer', [app.name]) + '.', 'NoConsumerError', [
      ruleText('hub-app.noConsumer.fix', []),
    ]);
  }
  return link;
}

/** OAuth policies that switch on the client credentials flow with an execution user, the one step that needs Setup. */
export function runAsPolicies(app: string, username: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">',
    `    <clientCredentialsFlowUser>${escapeText(username)}</clientCredentialsFlowUser>`,
    `    <externalClientApplication>${escapeText(app)}</externalClientApplication>`,
    '    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>',
    `    <label>${escapeText(app)} client credentials</label>`,
    '</ExtlClntAppOauthConfigurablePolicies>',
    '',
  ].join('\n');
}

function asDeployFile(file: CatalogFile): DeployFile {
  const type = file.type!;
  const bytes = Buffer.from(file.decoded!.text, 'utf8');
  return {
    type: type.name,
    fullName: file.fullName,
    relativePath: `${type.directoryName}/${sourceFileName(type, file.fullName)}`,
    bytes,
  };
}

/**
 * The header and OAuth settings of the app as they will be once the plan is applied: the only files a linked
 * deploy may carry (never global settings, never a secret), plus run-as policies when asked for.
 */
export function deployFilesFor(catalog: Catalog, changes: PlannedChange[], app: string, runAs?: string): DeployFile[] {
  const after = catalogAfter(catalog, changes).apps.get(app);
  const pick = (typeName: string): CatalogFile | undefined =>
    [...(after?.headers ?? []), ...(after?.plugins ?? [])].find((f) => f.type?.name === typeName && isPackageSource(f));
  const settings = pick(OAUTH_SETTINGS_TYPE);
  if (!settings) throw messages.createError('error.NoOauthSettingsFile', [app]);
  const files = [pick(HEADER_TYPE), settings].filter((f): f is CatalogFile => f !== undefined).map(asDeployFile);
  if (runAs) {
    const type = ecaType(OAUTH_POLICIES_TYPE);
    const fullName = `${app}_oauthPlcy`;
    files.push({
      type: type.name,
      fullName,
      relativePath: `${type.directoryName}/${sourceFileName(type, fullName)}`,
      bytes: Buffer.from(runAsPolicies(app, runAs)),
    });
  }
  return files;
}

/** Deploy problems Salesforce reports for links, turned into the message that says what to do. */
export function deployError(username: string, outcome: DeployOutcome): SfError {
  const key = outcome.problems.map((p) => knownDeployError(p.problem)).find((k) => k !== undefined);
  const detail = outcome.problems.map((p) => `${p.type}:${p.fullName}: ${p.problem}`).join('; ') || outcome.status;
  return messages.createError(key ?? 'error.DeployFailed', [username, detail]);
}

function knownDeployError(problem: string): string | undefined {
  if (/distribution state PACKAGED/i.test(problem)) return 'error.DeploySourceLocal';
  if (/OAuth link/i.test(problem)) return 'error.DeployBadLink';
  if (/Org Scoped External Client App/i.test(problem)) return 'error.DeployBadOrgScoped';
  if (/clientCredentialsFlowUser|valid execution user/i.test(problem)) return 'error.DeployBadRunAs';
  return undefined;
}

/**
 * The apps whose OAuth settings, retrieved back from the org, do not hold the expected link. An org may hand back
 * the 15-character form of a link deployed with 18-character ids, so the ids are compared, not the text.
 */
export function linksNotHeld(retrieved: Map<string, RetrievedApp>, links: Map<string, string>): string[] {
  return [...links]
    .filter(([app, link]) => {
      const held = elementText(retrieved.get(app)?.oauthSettings, 'oauthLink');
      return held === undefined || !samePair(held, link);
    })
    .map(([app]) => app);
}

/**
 * The apps whose Dev Hub global settings do not switch on the client credentials flow: a linked app uses the Dev
 * Hub's global settings, so the developer half of the flow is switched on there, not in the scratch org.
 */
export function runAsFlowOff(hubApps: Map<string, RetrievedApp> | undefined, names: string[]): string[] {
  return names.filter((name) => {
    const global = hubApps?.get(name)?.globalSettings;
    return global?.doc !== undefined && elementText(global, 'isClientCredentialsFlowEnabled') !== 'true';
  });
}

/** The flags of `sf eca link-scratch`, as the command parses them. */
export type LinkScratchFlags = {
  'target-dev-hub'?: Org;
  name?: string[];
  /** the scratch org to deploy to, as given (never a configured default) */
  'target-org'?: string;
  'run-as'?: string;
  'dev-hub-org-id'?: string;
  'consumer-id'?: string;
  /** the user's word that an oauthLink naming another org may be replaced by the --consumer-id link */
  'replace-link'?: boolean;
  'api-version'?: string;
  'dry-run'?: boolean;
  wait: Duration;
};

export type LinkScratchResult = {
  dryRun: boolean;
  links: Array<{ app: string; oauthLink: string }>;
  changes: ChangeSummary[];
  diff?: string;
  deploy?: {
    targetOrg: string;
    id?: string;
    status: string;
    components: Array<{ type: string; fullName: string }>;
    verified: boolean;
  };
  scratchDefinitions: ScratchDefGap[];
};

/** Which apps, and the link of each: from the Dev Hub's own files, or offline from the two ids. */
async function appLinks(
  ui: Ui,
  cwd: string,
  flags: LinkScratchFlags,
): Promise<{
  catalog: Catalog;
  names: string[];
  devHubOrgId: string;
  links: Map<string, string>;
  hubApps?: Map<string, RetrievedApp>;
}> {
  const { 'target-dev-hub': hub, 'consumer-id': consumerId, 'api-version': apiVersion } = flags;
  const named = flags.name?.length ? [...new Set(flags.name)] : undefined;
  if (consumerId === undefined && !hub) throw messages.createError('error.NoDevHub');
  if (consumerId !== undefined && !named) throw messages.createError('error.NameRequired');
  if (consumerId !== undefined && named!.length > 1) {
    throw messages.createError('error.OneAppOffline', [String(named!.length), named!.join(', ')]);
  }
  const catalog = await loadCatalog(cwd);
  rejectUnknownNames(named ?? [], [...catalog.apps.keys()], 'error.UnknownProjectApp');
  const names = named ?? appsInPackageDirs(catalog);
  if (names.length === 0) throw messages.createError('error.NoApps');
  const devHubOrgId = flags['dev-hub-org-id'] ?? hub!.getOrgId();
  if (consumerId !== undefined) {
    return { catalog, names, devHubOrgId, links: new Map(names.map((n) => [n, builtLink(devHubOrgId, consumerId)])) };
  }
  const message = messages.getMessage('spinner.hub', [hub!.getUsername() ?? '']);
  const hubApps = await readDevHub(ui, hub!, apiVersion, message, (org, conn) =>
    org.retrieveApps(conn, {
      apps: names,
      apiVersion,
      timeoutSeconds: flags.wait.seconds,
      namespace: catalog.project.namespace,
    }),
  );
  const links = new Map(names.map((name) => [name, hubLink(hubApps.get(name) ?? { name, files: [] })]));
  return { catalog, names, devHubOrgId, links, hubApps };
}

/** Links the project's apps to the Dev Hub's consumer and, with a target org, deploys and verifies the link there. */
export async function linkScratch(ui: Ui, cwd: string, flags: LinkScratchFlags): Promise<LinkScratchResult> {
  const { 'target-dev-hub': hub, 'api-version': apiVersion, 'run-as': runAs } = flags;
  const dryRun = flags['dry-run'] ?? false;
  const { catalog, names, devHubOrgId, links, hubApps } = await appLinks(ui, cwd, flags);
  // linking writes only what it deploys: the header and the OAuth settings
  const outputDir = defaultPackageDir(catalog.project);
  const linksFromFlags = flags['consumer-id'] !== undefined;
  const replaceLink = flags['replace-link'];
  const input = {
    catalog,
    devHubOrgId,
    hubApps,
    links,
    linksFromFlags,
    replaceLink,
    outputDir,
    headerAndOauthOnly: true,
  };
  const changes: PlannedChange[] = names.flatMap((name) => planAppChanges(input, name).changes);
  const deployFiles = names.flatMap((name) => deployFilesFor(catalog, changes, name, runAs));
  if (runAs)
    for (const name of runAsFlowOff(hubApps, names)) ui.warn(messages.getMessage('warning.RunAsFlowOff', [name]));
  const scratchDefinitions = await scratchDefinitionGaps(catalog.project);
  for (const gap of scratchDefinitions) ui.warn(messages.getMessage('warning.ScratchDef', [gap.file, gap.snippet]));

  const summary = summarize(catalog, changes);
  const result: LinkScratchResult = {
    dryRun,
    links: [...links].map(([app, oauthLink]) => ({ app, oauthLink })),
    changes: summary,
    scratchDefinitions,
  };
  const { Org } = await import('@salesforce/core');
  const target = flags['target-org'] ? await Org.create({ aliasOrUsername: flags['target-org'] }) : undefined;
  // a Dev Hub only vouches for the scratch org when it is the Dev Hub of the link (offline, a default hub may be
  // another)
  const vouching = hub && sameId(hub.getOrgId(), devHubOrgId) ? hub : undefined;
  if (target) await ensureScratchOf(target, vouching, apiVersion);
  if (dryRun) {
    result.diff = planDiff(catalog, changes);
    ui.log(changes.length ? result.diff : messages.getMessage('info.filesCurrent'));
    const components = deployFiles.map((f) => `${f.type}:${f.fullName}`).join(', ');
    if (target) ui.log(messages.getMessage('info.wouldDeploy', [target.getUsername() ?? '', components]));
    const planned = `${changes.length} change${changes.length === 1 ? '' : 's'}`;
    ui.log(messages.getMessage('info.dryRun', [planned]));
    return result;
  }
  if (target) result.deploy = await deployAndVerify(ui, target, deployFiles, links, flags, catalog.project.namespace);
  if (changes.length) await applyPlan(catalog.project.root, changes);
  const written = summary.map((c) => `${c.path} (${c.detail})`).join(', ');
  ui.log(
    changes.length ? messages.getMessage('info.filesWritten', [written]) : messages.getMessage('info.filesCurrent'),
  );
  return result;
}

/** The deploy goes only to a scratch org of this Dev Hub (asked of the Dev Hub when there is one, else of the org). */
async function ensureScratchOf(target: Org, hub: Org | undefined, apiVersion: string | undefined): Promise<void> {
  const org = await import('./org.js');
  const isScratch = hub
    ? await org.isScratchOrgOf(hub.getConnection(apiVersion), target.getOrgId())
    : await target.determineIfScratch();
  if (!isScratch) {
    const hubName = hub?.getUsername() ?? 'the Dev Hub';
    throw messages.createError('error.NotScratchOfHub', [target.getUsername() ?? '', hubName]);
  }
}

async function deployAndVerify(
  ui: Ui,
  target: Org,
  files: DeployFile[],
  links: Map<string, string>,
  flags: LinkScratchFlags,
  namespace: string | undefined,
): Promise<NonNullable<LinkScratchResult['deploy']>> {
  const { 'api-version': apiVersion, wait } = flags;
  const timeoutSeconds = wait.seconds;
  const org = await import('./org.js');
  const username = target.getUsername() ?? '';
  const conn = target.getConnection(apiVersion);
  const outcome = await withSpinner(
    ui,
    messages.getMessage('spinner.deploy', [String(files.length), username]),
    (onStatus) => org.deployFiles(conn, files, { apiVersion, timeoutSeconds, onStatus }),
  );
  if (!outcome.success) throw deployError(username, outcome);
  // a scratch org created with the package's namespace names the app ns__App in the files it hands back
  const back = await withSpinner(ui, messages.getMessage('spinner.verify', [username]), () =>
    org.retrieveApps(conn, { apps: [...links.keys()], apiVersion, timeoutSeconds, namespace }),
  );
  const notHeld = linksNotHeld(back, links);
  const inOtherNamespace = notHeld.find((app) => back.get(app)?.otherNamespace !== undefined);
  if (inOtherNamespace) {
    const other = back.get(inOtherNamespace)!.otherNamespace!;
    throw messages.createError('error.LinkInOtherNamespace', [
      username,
      `${other}__${inOtherNamespace}`,
      namespace ? `"${namespace}"` : 'none',
      inOtherNamespace,
    ]);
  }
  const verified = notHeld.length === 0;
  if (!verified) throw messages.createError('error.LinkNotHeld', [username]);
  ui.logSuccess(messages.getMessage('info.deployed', [String(files.length), username]));
  return { targetOrg: username, id: outcome.id, status: outcome.status, components: outcome.deployed, verified };
}
