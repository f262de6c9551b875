import { elementText, type App, type Catalog } from '../catalog.js';
import { hubAppProblems, hubDistributionState, hubOauthLink, type HubApp } from '../hub-app.js';
import { samePair } from '../ids.js';
import { child } from '../xml.js';
import { oauthSettingsOf, packagedHeaders } from './checklist.js';
import { Finding, Rule, RuleContext, finding, EVERY_SCOPE } from './rule.js';

/**
 * What only the Dev Hub can tell: its own copy of each app agrees with the files. Runs when a command read the Dev
 * Hub.
 */

/** Each app the command read from the Dev Hub, beside the project's own copy of it (absent when there is none). */
function eachHubApp(catalog: Catalog, context: RuleContext, visit: (hub: HubApp, local?: App) => Finding[]): Finding[] {
  return [...(context.hubApps?.values() ?? [])].flatMap((hub) => visit(hub, catalog.apps.get(hub.name)));
}

export const hubApp: Rule = {
  id: 'hub-app',
  severity: 'error',
  judges: EVERY_SCOPE,
  requires: 'devHub',
  check: (catalog, context) =>
    eachHubApp(catalog, context, (hub, local) =>
      hubAppProblems(hub).flatMap((problem): Finding[] => {
        const app = hub.name;
        if (problem === 'missing') {
          const header = local ? packagedHeaders(local)[0] : undefined;
          return header ? [finding(hubApp, 'missing', { file: header, app }, [app])] : [];
        }
        if (problem === 'local') {
          return [finding(hubApp, 'local', { file: hub.header, app }, [app, hubDistributionState(hub)])];
        }
        return problem === 'noConsumer' ? [finding(hubApp, 'noConsumer', { file: hub.oauthSettings, app }, [app])] : [];
      }),
    ),
};

export const hubMismatch: Rule = {
  id: 'hub-mismatch',
  severity: 'error',
  judges: EVERY_SCOPE,
  requires: 'devHub',
  check: (catalog, context) =>
    eachHubApp(catalog, context, (hub, local) => {
      if (!local || !hub.header) return [];
      const findings: Finding[] = [];
      for (const header of packagedHeaders(local)) {
        const mine = elementText(header, 'orgScopedExternalApp');
        const theirs = elementText(hub.header, 'orgScopedExternalApp');
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
      const hubLink = hubOauthLink(hub);
      for (const settings of oauthSettingsOf(local)) {
        const mine = elementText(settings, 'oauthLink');
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
