import { FORCEIGNORE } from '../forceignore.js';
import { basename, join } from 'node:path';
import { App, Catalog, CatalogFile, entersPackage } from '../catalog.js';
import { GLOBAL_OAUTH_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE, ecaType, sourceFileName } from '../family.js';
import { elementText } from '../catalog.js';
import { isConsumerId, isOrgId, isPlaceholder, orgScopedProblem, sameId, splitPair } from '../ids.js';
import { projectPath } from '../project.js';
import { child } from '../xml.js';
import { Finding, Rule, RuleContext, finding } from './rule.js';

/** The well-known pre-packaging checklist. */

export function packagedHeaders(app: App): CatalogFile[] {
  return app.headers.filter((h) => entersPackage(h) && h.doc);
}

export function oauthSettingsOf(app: App): CatalogFile[] {
  return app.plugins.filter((p) => p.type?.name === OAUTH_SETTINGS_TYPE && entersPackage(p) && p.doc);
}

/** The org id named by the header's orgScopedExternalApp, when it is well formed. */
export function headerOrgId(header: CatalogFile): string | undefined {
  const value = elementText(header, 'orgScopedExternalApp');
  const pair = value ? splitPair(value) : undefined;
  return pair && isOrgId(pair.left) ? pair.left : undefined;
}

function eachPackagedHeader(catalog: Catalog, visit: (app: App, header: CatalogFile) => Finding[]): Finding[] {
  return [...catalog.apps.values()].flatMap((app) => packagedHeaders(app).flatMap((header) => visit(app, header)));
}

export const distributionState: Rule = {
  id: 'distribution-state',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    eachPackagedHeader(catalog, (_app, header) => {
      const el = child(header.doc!.root, 'distributionState');
      const value = elementText(header, 'distributionState');
      if (value === 'Packaged') return [];
      if (!el) return [finding(distributionState, 'missing', { file: header })];
      // the WSDL's two other states: copies installed from a package or managed by Salesforce, never a source
      const variant = value === 'Managed' || value === 'AutoInstalled' ? 'installed' : 'notPackaged';
      return [finding(distributionState, variant, { file: header, element: el }, [value ?? ''])];
    }),
};

export const orgScopedApp: Rule = {
  id: 'org-scoped-app',
  severity: 'error',
  judges: ['package'],
  check: (catalog, context) =>
    eachPackagedHeader(catalog, (app, header) => {
      const el = child(header.doc!.root, 'orgScopedExternalApp');
      const value = elementText(header, 'orgScopedExternalApp') ?? '';
      const expected = `${context.devHubOrgId ?? '<Dev Hub org id>'}:${app.name}`;
      const problem = orgScopedProblem(value, app.name, context.devHubOrgId);
      if (!problem) return [];
      const pair = splitPair(value);
      const tokens = {
        missing: [],
        placeholder: [value],
        malformed: [value],
        otherApp: [pair?.right ?? '', app.name],
        notDevHub: [pair?.left ?? '', context.devHubOrgId ?? ''],
      }[problem];
      return [finding(orgScopedApp, problem, { file: header, element: el }, tokens, [expected])];
    }),
};

export const oauthLink: Rule = {
  id: 'oauth-link',
  severity: 'error',
  judges: ['package'],
  check: (catalog, context) =>
    [...catalog.apps.values()].flatMap((app) => {
      const header = packagedHeaders(app)[0];
      if (!header) return [];
      const ownerOrg = context.devHubOrgId ?? headerOrgId(header);
      return oauthSettingsOf(app).flatMap((settings) => checkLink(settings, ownerOrg, context));
    }),
};

function checkLink(settings: CatalogFile, ownerOrg: string | undefined, context: RuleContext): Finding[] {
  const el = child(settings.doc!.root, 'oauthLink');
  const value = elementText(settings, 'oauthLink') ?? '';
  if (!el || value === '') return [finding(oauthLink, 'missing', { file: settings, element: el })];
  if (isPlaceholder(value)) return [finding(oauthLink, 'placeholder', { file: settings, element: el }, [value])];
  const pair = splitPair(value);
  if (!pair || !isOrgId(pair.left) || !isConsumerId(pair.right)) {
    return [finding(oauthLink, 'malformed', { file: settings, element: el }, [value])];
  }
  if (ownerOrg && !sameId(pair.left, ownerOrg)) {
    const variant = context.devHubOrgId ? 'notDevHub' : 'otherOrg';
    return [finding(oauthLink, variant, { file: settings, element: el }, [pair.left, ownerOrg])];
  }
  return [];
}

/** The non-packageable folders that the checklist asks .forceignore to keep out. */
const FORCE_IGNORED_TYPES = [GLOBAL_OAUTH_TYPE, OAUTH_POLICIES_TYPE];

export const forceIgnoreExcludes: Rule = {
  id: 'forceignore',
  severity: 'error',
  judges: ['package'],
  check: (catalog) => {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const app of catalog.apps.values()) {
      for (const header of packagedHeaders(app)) {
        // where a retrieve would put the app's files: beside the header's own folder
        const typeFolderParent = join(header.fullPath, '..', '..');
        for (const typeName of FORCE_IGNORED_TYPES) {
          const type = ecaType(typeName);
          const probe = join(typeFolderParent, type.directoryName, sourceFileName(type, app.name));
          const key = join(typeFolderParent, type.directoryName);
          if (seen.has(key) || catalog.denies(probe)) continue;
          seen.add(key);
          findings.push({
            // the line to add goes into .forceignore: that is where the finding points
            ...finding(
              forceIgnoreExcludes,
              'notExcluded',
              { app: app.name, file: undefined },
              [`${type.directoryName}/`, projectPath(catalog.project, key)],
              [`${type.directoryName}/`],
            ),
            file: FORCEIGNORE,
          });
        }
      }
    }
    for (const file of catalog.files) {
      if (file.type && FORCE_IGNORED_TYPES.includes(file.type.name) && entersPackage(file)) {
        const key = join(file.fullPath, '..');
        if (seen.has(key)) continue;
        seen.add(key);
        // name the folder the file is really in, which need not be the type's standard folder
        findings.push(
          finding(
            forceIgnoreExcludes,
            'notExcluded',
            { app: file.app, file },
            [`${basename(key)}/`, projectPath(catalog.project, key)],
            [`${basename(key)}/`],
          ),
        );
      }
    }
    return findings;
  },
};

/**
 * The opposite mistake: a .forceignore line so broad that an app meant for the package is left out of it. An app
 * not meant for it (Local) whose header is hidden gets a note instead, so that the hiding line is never silent.
 */
export const forceIgnoredPackageable: Rule = {
  id: 'forceignored-packageable',
  severity: 'error',
  judges: ['hidden'],
  check: (catalog) => {
    const isPackaged = (h: CatalogFile): boolean => elementText(h, 'distributionState') === 'Packaged';
    const meantForPackage = new Set(
      [...catalog.apps.values()].filter((a) => a.headers.some(isPackaged)).map((a) => a.name),
    );
    const hidden = catalog.files.filter(
      (f) => f.type?.packageable === true && f.form === 'source' && f.packageDir && f.forceIgnored && f.app,
    );
    const errors = hidden
      .filter((f) => meantForPackage.has(f.app!))
      .map((f) => finding(forceIgnoredPackageable, 'hidden', { file: f }, [f.type!.name, f.packageDir!.path]));
    const notes = hidden
      .filter((f) => f.type!.role === 'header' && f.doc && !meantForPackage.has(f.app!))
      .map((f) => {
        const state = elementText(f, 'distributionState') ?? 'not set';
        const tokens = [f.app!, state, f.packageDir!.path];
        return { ...finding(forceIgnoredPackageable, 'hiddenLocal', { file: f }, tokens), severity: 'info' as const };
      });
    return [...errors, ...notes];
  },
};

export const nonPackageable: Rule = {
  id: 'non-packageable',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    catalog.files
      .filter((f) => f.type && f.type.packageable === false && entersPackage(f))
      .map((f) => {
        const variant = f.type!.role === 'globalSettings' ? 'global' : 'policies';
        return finding(nonPackageable, variant, { file: f }, [f.type!.name, f.packageDir!.path]);
      }),
};

export const CHECKLIST_RULES: Rule[] = [
  distributionState,
  orgScopedApp,
  oauthLink,
  forceIgnoreExcludes,
  forceIgnoredPackageable,
  nonPackageable,
];
