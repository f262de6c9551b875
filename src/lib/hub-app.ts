import { elementText, type CatalogFile } from './catalog.js';

/**
 * What the Dev Hub holds for one app, and the conditions a scratch org's link depends on. Below both the org
 * access (which fills it) and the rules (which judge it), so neither depends on the other.
 */

/** What the Dev Hub itself holds for one app, retrieved into memory (never written into the project). */
export type HubApp = {
  name: string;
  header?: CatalogFile;
  oauthSettings?: CatalogFile;
  globalSettings?: CatalogFile;
};

/**
 * A Dev Hub app as retrieved, with every file of it. `refused`: zip entries left out because their path climbs out
 * of the zip or their name is not a developer name (the same list for every app of one retrieve). `otherNamespace`:
 * the prefix of files that name the app `ns__App` with a namespace other than the project's (they are not the app's).
 */
export type RetrievedApp = HubApp & { files: CatalogFile[]; refused?: string[]; otherNamespace?: string };

/** The app's distribution state in the Dev Hub; an app that does not say is Local. */
export function hubDistributionState(app: HubApp): string {
  return elementText(app.header, 'distributionState') ?? 'Local';
}

/** The oauthLink the Dev Hub holds for the app: present once the Dev Hub has an OAuth consumer for it. */
export function hubOauthLink(app: HubApp): string | undefined {
  return elementText(app.oauthSettings, 'oauthLink');
}

/**
 * Why a scratch org cannot link to the Dev Hub's app: no header, a header not Packaged, OAuth settings without a
 * consumer, or no OAuth settings at all. Stops at a missing header, since nothing else can be judged then.
 */
export type HubAppProblem = 'missing' | 'local' | 'noConsumer' | 'noOauthSettings';

export function hubAppProblems(app: HubApp): HubAppProblem[] {
  if (!app.header) return ['missing'];
  const problems: HubAppProblem[] = [];
  if (hubDistributionState(app) !== 'Packaged') problems.push('local');
  if (!app.oauthSettings) problems.push('noOauthSettings');
  else if (!hubOauthLink(app)) problems.push('noConsumer');
  return problems;
}
