import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, exitCodes, withHelp } from '../../lib/command.js';
import { consumerIdFlag, devHubOrgIdFlag, nameFlag, replaceLinkFlag, waitFlag } from '../../lib/flags.js';
import { linkScratch, type LinkScratchResult } from '../../lib/link.js';

export type EcaLinkScratchResult = LinkScratchResult;

export default class EcaLinkScratch extends EcaCommand<EcaLinkScratchResult> {
  public static readonly messages = withHelp(this, 'eca.link-scratch');
  public static readonly errorCodes = exitCodes(false);

  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: this.messages.getMessage('flags.target-dev-hub.summary') }),
    name: nameFlag(this.messages.getMessage('flags.name.summary')),
    // a plain string, not optionalOrg: a default target-org must not turn a file edit into a deploy
    'target-org': Flags.string({ char: 'o', summary: this.messages.getMessage('flags.target-org.summary') }),
    'run-as': Flags.string({ summary: this.messages.getMessage('flags.run-as.summary'), dependsOn: ['target-org'] }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'], dependsOn: ['consumer-id'] }),
    'consumer-id': consumerIdFlag(this.messages.getMessage('flags.consumer-id.summary')),
    'replace-link': replaceLinkFlag(),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: this.messages.getMessage('flags.dry-run.summary') }),
    wait: waitFlag(this.messages.getMessage('flags.wait.summary')),
  };

  public async run(): Promise<EcaLinkScratchResult> {
    const { flags } = await this.parse(EcaLinkScratch);
    return linkScratch(this, process.cwd(), flags);
  }
}
