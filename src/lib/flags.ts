import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core/messages';
import type { Org } from '@salesforce/core';
import { checkedOrgId } from './ids.js';
import type { FailOn } from './report.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

/** Flags that several commands share, defined once with their text in messages/eca.shared.md. */

export const devHubOrgIdFlag = Flags.custom<string>({
  summary: messages.getMessage('flags.dev-hub-org-id.summary'),
  parse: async (input) => checkedOrgId(input.trim(), '--dev-hub-org-id'),
});

/** The Dev Hub's OAuth consumer of one app, to build its link offline with --dev-hub-org-id. */
export const consumerIdFlag = (summary: string) => Flags.string({ summary, dependsOn: ['dev-hub-org-id'] });

/** Without it, prepare and link-scratch leave a link to another org alone and stop. */
export const replaceLinkFlag = () =>
  Flags.boolean({ summary: messages.getMessage('flags.replace-link.summary'), dependsOn: ['consumer-id'] });

/** No default of its own: when not given, the project's plugins.eca.failOn decides, else `error` (failOnOf). */
export const failOnFlag = Flags.custom<FailOn>({
  summary: messages.getMessage('flags.fail-on.summary'),
  options: ['error', 'warning'],
});

/** Developer names of apps; each command says which apps it works on by default. */
export const nameFlag = (summary: string) => Flags.string({ char: 'n', summary, multiple: true });

/** Minutes to wait for each org request. */
export const waitFlag = (summary: string) => Flags.duration({ char: 'w', unit: 'minutes', summary, defaultValue: 10 });

/** The org named by the user, which must be a Dev Hub: what Flags.requiredHub checks, without its config fallback. */
export async function requiredDevHub(aliasOrUsername: string): Promise<Org> {
  const { Org: OrgClass } = await import('@salesforce/core');
  const org = await OrgClass.create({ aliasOrUsername, isDevHub: true });
  if (!(await org.determineIfDevHubOrg())) throw messages.createError('error.NotADevHub', [aliasOrUsername]);
  return org;
}
