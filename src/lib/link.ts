import type { Catalog, CatalogFile } from './catalog.js';
import { HEADER_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE, ecaType, sourceFileName } from './family.js';
import { isConsumerId, isMistypedId, isOrgId, sameId, splitPair, to15 } from './ids.js';
import type { DeployFile, RetrievedApp } from './org.js';
import type { PlannedChange } from './plan.js';
import { catalogAfter } from './plan.js';
import { child, escapeText } from './xml.js';

/** The pieces of `sf eca link-scratch` that need no org: where the link comes from, and exactly what is deployed. */

export type LinkProblem = { key: string; tokens: string[] };

/** The Dev Hub's oauthLink for the app, verbatim, or why the app cannot be linked yet. */
export function hubLink(app: RetrievedApp): { link: string } | LinkProblem {
  if (!app.header) return { key: 'error.AppNotInHub', tokens: [app.name] };
  const state = app.header.doc ? (child(app.header.doc.root, 'distributionState')?.text.trim() ?? 'Local') : 'Local';
  if (state !== 'Packaged') return { key: 'error.SourceLocal', tokens: [app.name, state] };
  const link = app.oauthSettings?.doc ? child(app.oauthSettings.doc.root, 'oauthLink')?.text.trim() : undefined;
  if (!link) return { key: 'error.NoConsumer', tokens: [app.name] };
  return { link };
}

/**
 * `<org id>:<consumer id>` from the flags, both checked, in the 15-character form the Dev Hub itself writes, so an
 * offline link is byte for byte the one `--target-dev-hub` would copy.
 */
export function builtLink(devHubOrgId: string, consumerId: string): { link: string } | LinkProblem {
  if (!isOrgId(devHubOrgId)) return { key: 'error.BadOrgId', tokens: [devHubOrgId] };
  if (isMistypedId(devHubOrgId)) return { key: 'error.BadIdSuffix', tokens: [devHubOrgId, '--dev-hub-org-id'] };
  if (!isConsumerId(consumerId)) return { key: 'error.BadConsumerId', tokens: [consumerId] };
  if (isMistypedId(consumerId)) return { key: 'error.BadIdSuffix', tokens: [consumerId, '--consumer-id'] };
  return { link: `${to15(devHubOrgId)}:${to15(consumerId)}` };
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
    [...(after?.headers ?? []), ...(after?.plugins ?? [])].find(
      (f) => f.type?.name === typeName && f.packageDir && f.doc,
    );
  const files = [pick(HEADER_TYPE), pick(OAUTH_SETTINGS_TYPE)]
    .filter((f): f is CatalogFile => f !== undefined)
    .map(asDeployFile);
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
export function knownDeployError(problem: string): string | undefined {
  if (/distribution state PACKAGED/i.test(problem)) return 'error.DeploySourceLocal';
  if (/OAuth link/i.test(problem)) return 'error.DeployBadLink';
  if (/Org Scoped External Client App/i.test(problem)) return 'error.DeployBadOrgScoped';
  if (/clientCredentialsFlowUser|valid execution user/i.test(problem)) return 'error.DeployBadRunAs';
  return undefined;
}

/** Two links name the same org and consumer: each half compared on its first 15 characters, case-sensitively. */
export function sameLink(a: string, b: string): boolean {
  const [x, y] = [splitPair(a), splitPair(b)];
  return x !== undefined && y !== undefined && sameId(x.left, y.left) && sameId(x.right, y.right);
}

/**
 * The apps whose OAuth settings, retrieved back from the org, do not hold the expected link. An org may hand back
 * the 15-character form of a link deployed with 18-character ids, so the ids are compared, not the text.
 */
export function linksNotHeld(retrieved: Map<string, RetrievedApp>, links: Map<string, string>): string[] {
  return [...links]
    .filter(([app, link]) => {
      const settings = retrieved.get(app)?.oauthSettings;
      const held = settings?.doc ? child(settings.doc.root, 'oauthLink')?.text.trim() : undefined;
      return held === undefined || !sameLink(held, link);
    })
    .map(([app]) => app);
}
