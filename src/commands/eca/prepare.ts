import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, withHelp } from '../../lib/command.js';
import { consumerIdFlag, devHubOrgIdFlag, failOnFlag, nameFlag, replaceLinkFlag, waitFlag } from '../../lib/flags.js';
import { runPrepare, type PrepareResult } from '../../lib/prepare.js';

export type EcaPrepareResult = PrepareResult;

export default class EcaPrepare extends EcaCommand<EcaPrepareResult> {
  public static readonly messages = withHelp(this, 'eca.prepare');

  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: this.messages.getMessage('flags.target-dev-hub.summary') }),
    name: nameFlag(this.messages.getMessage('flags.name.summary')),
    'output-dir': Flags.directory({ char: 'd', summary: this.messages.getMessage('flags.output-dir.summary') }),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: this.messages.getMessage('flags.dry-run.summary') }),
    retrieve: Flags.boolean({
      summary: this.messages.getMessage('flags.retrieve.summary'),
      default: true,
      allowNo: true,
    }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    'consumer-id': consumerIdFlag(this.messages.getMessage('flags.consumer-id.summary')),
    'replace-link': replaceLinkFlag(),
    'source-dir': Flags.directory({
      summary: this.messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    'non-packageable-dir': Flags.string({
      summary: this.messages.getMessage('flags.non-packageable-dir.summary'),
      default: 'eca-source-org',
    }),
    'delete-non-packageable': Flags.boolean({
      summary: this.messages.getMessage('flags.delete-non-packageable.summary'),
    }),
    wait: waitFlag(this.messages.getMessage('flags.wait.summary')),
    'fail-on': failOnFlag({ summary: this.messages.getMessage('flags.fail-on.summary') }),
  };

  public async run(): Promise<EcaPrepareResult> {
    const { flags } = await this.parse(EcaPrepare);
    const result = await runPrepare(this, process.cwd(), flags);
    this.setGateExit(result.check.passed);
    return result;
  }
}
