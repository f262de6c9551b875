import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { EcaCommand, exitCodes } from '../../lib/command.js';
import { devHubOrgIdFlag, nameFlag, waitFlag } from '../../lib/flags.js';
import { linkScratch, type LinkScratchResult } from '../../lib/link.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.link-scratch');

export type EcaLinkScratchResult = LinkScratchResult;

// EcaCommand is an SfCommand that adds no flags, only the exit codes and the error mapping every command shares
// eslint-disable-next-line sf-plugin/only-extend-SfCommand
export default class EcaLinkScratch extends EcaCommand<EcaLinkScratchResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodes(false);

  // eslint-disable-next-line sf-plugin/spread-base-flags -- EcaCommand has no flags of its own
  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: messages.getMessage('flags.target-dev-hub.summary') }),
    name: nameFlag(messages.getMessage('flags.name.summary')),
    // a plain string, not optionalOrg: a default target-org must not turn a file edit into a deploy
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    'run-as': Flags.string({ summary: messages.getMessage('flags.run-as.summary'), dependsOn: ['target-org'] }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'], dependsOn: ['consumer-id'] }),
    'consumer-id': Flags.string({
      summary: messages.getMessage('flags.consumer-id.summary'),
      dependsOn: ['dev-hub-org-id'],
    }),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    wait: waitFlag(messages.getMessage('flags.wait.summary')),
  };

  public async run(): Promise<EcaLinkScratchResult> {
    const { flags } = await this.parse(EcaLinkScratch);
    return linkScratch(this, {
      cwd: process.cwd(),
      hub: flags['target-dev-hub'],
      names: flags.name,
      targetOrg: flags['target-org'],
      runAs: flags['run-as'],
      devHubOrgId: flags['dev-hub-org-id'],
      consumerId: flags['consumer-id'],
      apiVersion: flags['api-version'],
      dryRun: flags['dry-run'] ?? false,
      waitSeconds: flags.wait.seconds,
    });
  }
}
