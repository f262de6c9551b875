import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { Catalog } from '../catalog.js';
import type { HubApp } from '../hub-app.js';
import { packagedAppSettings, type AppKind, type AppSettings } from './app-settings.js';
import { SCOPE_MEANINGS } from './disclosure.js';

/**
 * The subscriber's post-install guide: what the admin of an org that installed the package does, per app, before
 * the app works. Written for that admin (Setup paths, plain words), from the app's flows and the policies the ISV
 * recommends. Policies are never packaged: after install each org starts from Salesforce's defaults
 * (eca-domain.md section 2.1), which is why server-to-server apps always need these steps.
 */

export type GuideStep = { title: string; where?: string; actions: string[] };

export type AppGuide = {
  name: string;
  label: string;
  kind: AppKind;
  /** client credentials or JWT bearer: the app calls Salesforce without a person signing in */
  serverToServer: boolean;
  interactive: boolean;
  steps: GuideStep[];
};

export type Guide = { project: string; namespace?: string; date: string; apps: AppGuide[] };

function policiesPath(s: AppSettings, label: string): string {
  return s.kind === 'eca'
    ? `Setup > Apps > External Client Apps > External Client App Manager > ${label} > Policies > Edit`
    : `Setup > Apps > Connected Apps > Manage Connected Apps > ${label} > Edit Policies`;
}

function permissionSetsToAssign(s: AppSettings, packaged: string[]): string {
  const named = s.permissionSets.length ? s.permissionSets : packaged;
  if (named.length === 0) return 'the permission set your vendor documents for this integration';
  return named.length === 1 ? `the permission set ${named[0]}` : `one of the permission sets ${named.join(', ')}`;
}

function refreshAdvice(s: AppSettings): string {
  if (s.refreshTokenPolicy === 'SpecificInactivity' && s.refreshTokenValidity) {
    return `Refresh Token Policy: "Expire refresh token after ${s.refreshTokenValidity.period} ${s.refreshTokenValidity.unit.toLowerCase()} of inactivity" (the vendor's setting; at most 30 days is recommended).`;
  }
  return 'Refresh Token Policy: "Expire refresh token if not used for 30 days" (the default keeps tokens valid for 365 days).';
}

function serverToServerSteps(s: AppSettings, label: string, packaged: string[]): GuideStep[] {
  const permissionSets = permissionSetsToAssign(s, packaged);
  const steps: GuideStep[] = [
    {
      title: 'Create the integration user',
      where: 'Setup > Users > Users > New User',
      actions: [
        "Create a dedicated user for this integration (the Salesforce Integration user license fits when available); do not reuse a person's account.",
        'Give it the "API Only User" permission (through its profile or a permission set), so that it can call the API but never sign in to the user interface.',
        `Assign it ${permissionSets} (Setup > Users > Permission Sets > the permission set > Manage Assignments).`,
      ],
    },
  ];
  if (s.clientCredentials || s.clientCredentialsPolicy) {
    steps.push({
      title: 'Turn on the client credentials flow and choose its Run As user',
      where: policiesPath(s, label),
      actions: [
        s.kind === 'eca'
          ? 'Under OAuth Policies > OAuth Flows and External Client App Enhancements, select "Enable Client Credentials Flow".'
          : 'Under Client Credentials Flow, set the Run As user.',
        'In "Run As (Username)", enter the username of the integration user created above. Every call the app makes runs with that user\'s access, so give the user nothing more than the permission set above.',
      ],
    });
  }
  if (s.certificate) {
    steps.push({
      title: 'Pre-authorize the users the app signs in as (JWT bearer)',
      where: policiesPath(s, label),
      actions: [
        'Under OAuth Policies > Plugin Policies, set Permitted Users to "Admin approved users are pre-authorized".',
        `Under App Policies, select ${permissionSets} (or the profile of the integration user), so that the integration user is pre-authorized.`,
      ],
    });
  }
  return steps;
}

function interactiveSteps(s: AppSettings, label: string, packaged: string[]): GuideStep[] {
  const scopes = s.scopes.map((name) => `${SCOPE_MEANINGS[name] ?? name} (${name})`);
  const adminApproved = s.permittedUsers === 'AdminApprovedPreAuthorized';
  return [
    {
      title: 'Decide who may use the app',
      where: policiesPath(s, label),
      actions: [
        adminApproved
          ? `Set Permitted Users to "Admin approved users are pre-authorized" (the vendor's recommendation), then select ${permissionSetsToAssign(s, packaged)} under App Policies and assign it to the users who need the app.`
          : 'Permitted Users is "All users may self-authorize" after install: each user approves the access below the first time they connect. To control who connects, choose "Admin approved users are pre-authorized" and assign a permission set.',
        scopes.length
          ? `Users (or you, when pre-authorizing) approve this access: ${scopes.join('; ')}.`
          : 'The app asks for no OAuth scope.',
      ],
    },
    {
      title: 'Review the session and token policies',
      where: policiesPath(s, label),
      actions: [
        `IP Relaxation: keep "Enforce IP restrictions"${s.ipRelaxation && s.ipRelaxation !== 'Enforce' ? ` (the vendor uses ${s.ipRelaxation}; relax only if your users connect from outside your trusted ranges)` : ''}.`,
        refreshAdvice(s),
      ],
    },
  ];
}

/** Permission sets a package version would carry: their names, from the files in the package directories. */
export function packagePermissionSets(catalog: Catalog): string[] {
  const names = new Set<string>();
  for (const dir of catalog.project.packageDirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir.fullPath, { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      const file = basename(entry);
      if (file.endsWith('.permissionset-meta.xml')) names.add(file.slice(0, -'.permissionset-meta.xml'.length));
    }
  }
  return [...names].sort();
}

export function appGuide(s: AppSettings, packaged: string[]): AppGuide {
  const label = s.label ?? s.name;
  const serverToServer =
    s.clientCredentials === true || s.clientCredentialsPolicy === true || s.certificate !== undefined;
  const interactive = s.callbackUrls.length > 0;
  const steps = [
    ...(serverToServer ? serverToServerSteps(s, label, packaged) : []),
    ...(interactive || !serverToServer ? interactiveSteps(s, label, packaged) : []),
  ];
  return { name: s.name, label, kind: s.kind, serverToServer, interactive, steps };
}

export function buildGuide(
  catalog: Catalog,
  options: { title: string; date: Date; hubApps?: Map<string, HubApp> },
): Guide {
  const packaged = packagePermissionSets(catalog);
  return {
    project: options.title,
    namespace: catalog.project.namespace,
    date: options.date.toISOString().slice(0, 10),
    apps: packagedAppSettings(catalog, options.hubApps).map((s) => appGuide(s, packaged)),
  };
}
