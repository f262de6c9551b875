import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core/messages';
import type { Org } from '@salesforce/core';
import { isMistypedId, isOrgId } from './ids.js';
import { printable } from './names.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

/** Exit codes that CI scripts can rely on. */
export const EXIT = { passed: 0, gateFailed: 1, cannotRun: 2 } as const;

/**
 * Marks any error of a command as "could not run" (exit 2), so CI can tell it from a failed gate (exit 1). oclif's
 * own parse errors carry their code in `oclif.exit`, which sf-plugins-core reads first, and sf sets its default to 1.
 */
export function asCannotRun<E extends Error>(error: E): E {
  const e = error as E & { exitCode?: number; oclif?: { exit?: number }; actions?: string[] };
  e.exitCode = EXIT.cannotRun;
  // messages quote paths and names from files and orgs; no stack for a user's error
  e.message = printable(e.message);
  if (e.oclif) e.oclif.exit = EXIT.cannotRun;
  // sf-plugins-core refuses a --target-dev-hub that is not a Dev Hub without saying what to do instead
  if (e.name === 'NotADevHubError' && !e.actions?.length) e.actions = messages.getMessages('error.NotADevHub.actions');
  return error;
}

export const devHubOrgIdFlag = Flags.custom<string>({
  summary: messages.getMessage('flags.dev-hub-org-id.summary'),
  parse: async (input) => {
    const value = input.trim();
    if (!isOrgId(value)) throw messages.createError('error.BadOrgId', [value]);
    if (isMistypedId(value)) throw messages.createError('error.BadIdSuffix', [value, '--dev-hub-org-id']);
    return value;
  },
});

/** The org named by the user, which must be a Dev Hub: what Flags.requiredHub checks, without its config fallback. */
export async function requiredDevHub(aliasOrUsername: string): Promise<Org> {
  const { Org: OrgClass } = await import('@salesforce/core');
  const org = await OrgClass.create({ aliasOrUsername, isDevHub: true });
  if (!(await org.determineIfDevHubOrg())) throw messages.createError('error.NotADevHub', [aliasOrUsername]);
  return org;
}
