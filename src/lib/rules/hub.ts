import { isOrgId, sameId, splitPair } from '../ids.js';
import { child } from '../xml.js';
import type { CatalogFile } from '../catalog.js';
import { oauthSettingsOf, packagedHeaders } from './checklist.js';
import { Finding, Rule, finding } from './rule.js';

/** What only the Dev Hub can tell: its own copy of each app agrees with the files. Runs when a command read the Dev Hub. */

function value(file: CatalogFile | undefined, element: string): string | undefined {
  return file?.doc ? child(file.doc.root, element)?.text.trim() || undefined : undefined;
}

/** Two `<id>:<id or name>` values are the same when both ids agree on their first 15 characters. */
function samePair(a: string, b: string): boolean {
  const left = splitPair(a);
  const right = splitPair(b);
  if (!left || !right) return a === b;
  const sameRight =
    isOrgId(left.left) && /^888/.test(left.right) ? sameId(left.right, right.right) : left.right === right.right;
  return sameId(left.left, right.left) && sameRight;
}

export const hubApp: Rule = {
  id: 'hub-app',
  severity: 'error',
  check: (catalog, context) =>
    [...(context.hubApps?.values() ?? [])].flatMap((hub): Finding[] => {
      const local = catalog.apps.get(hub.name);
      const header = local ? packagedHeaders(local)[0] : undefined;
      if (!hub.header) return header ? [finding(hubApp, 'missing', { file: header, app: hub.name }, [hub.name])] : [];
      const findings: Finding[] = [];
      const state = value(hub.header, 'distributionState') ?? 'Local';
      if (state !== 'Packaged')
        findings.push(finding(hubApp, 'local', { file: hub.header, app: hub.name }, [hub.name, state]));
      if (hub.oauthSettings && !value(hub.oauthSettings, 'oauthLink')) {
        findings.push(finding(hubApp, 'noConsumer', { file: hub.oauthSettings, app: hub.name }, [hub.name]));
      }
      return findings;
    }),
};

export const hubMismatch: Rule = {
  id: 'hub-mismatch',
  severity: 'error',
  check: (catalog, context) =>
    [...(context.hubApps?.values() ?? [])].flatMap((hub): Finding[] => {
      const local = catalog.apps.get(hub.name);
      if (!local || !hub.header) return [];
      const findings: Finding[] = [];
      for (const header of packagedHeaders(local)) {
        const mine = value(header, 'orgScopedExternalApp');
        const theirs = value(hub.header, 'orgScopedExternalApp');
        if (mine && theirs && !samePair(mine, theirs)) {
          findings.push(
            finding(
              hubMismatch,
              'orgScoped',
              { file: header, element: child(header.doc!.root, 'orgScopedExternalApp') },
              [mine, theirs],
            ),
          );
        }
      }
      const hubLink = value(hub.oauthSettings, 'oauthLink');
      for (const settings of oauthSettingsOf(local)) {
        const mine = value(settings, 'oauthLink');
        if (mine && hubLink && !samePair(mine, hubLink)) {
          findings.push(
            finding(hubMismatch, 'oauthLink', { file: settings, element: child(settings.doc!.root, 'oauthLink') }, [
              mine,
              hubLink,
            ]),
          );
        }
      }
      return findings;
    }),
};

export const HUB_RULES: Rule[] = [hubApp, hubMismatch];
