import { elementText } from '../catalog.js';
import { hubAppProblems, hubDistributionState, hubOauthLink } from '../hub-app.js';
import { samePair } from '../ids.js';
import { child } from '../xml.js';
import { oauthSettingsOf, packagedHeaders } from './checklist.js';
import { Finding, Rule, finding } from './rule.js';

/** What only the Dev Hub can tell: its own copy of each app agrees with the files. Runs when a command read the Dev Hub. */

export const hubApp: Rule = {
  id: 'hub-app',
  severity: 'error',
  check: (catalog, context) =>
    [...(context.hubApps?.values() ?? [])].flatMap((hub): Finding[] => {
      const local = catalog.apps.get(hub.name);
      const header = local ? packagedHeaders(local)[0] : undefined;
      if (!hub.header) return header ? [finding(hubApp, 'missing', { file: header, app: hub.name }, [hub.name])] : [];
      const problems = hubAppProblems(hub);
      const findings: Finding[] = [];
      if (problems.includes('local')) {
        findings.push(
          finding(hubApp, 'local', { file: hub.header, app: hub.name }, [hub.name, hubDistributionState(hub)]),
        );
      }
      if (problems.includes('noConsumer')) {
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
