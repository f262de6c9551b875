import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core/messages';
import { isOrgId } from './ids.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

/** Exit codes that CI scripts can rely on. */
export const EXIT = { passed: 0, gateFailed: 1, cannotRun: 2 } as const;

export const devHubOrgIdFlag = Flags.custom<string>({
  summary: messages.getMessage('flags.dev-hub-org-id.summary'),
  parse: async (input) => {
    const value = input.trim();
    if (!isOrgId(value)) throw messages.createError('error.BadOrgId', [value]);
    return value;
  },
});
