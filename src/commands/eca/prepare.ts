import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { EcaCommand } from '../../lib/command.js';
import { devHubOrgIdFlag, failOnFlag, nameFlag, waitFlag } from '../../lib/flags.js';
import { runPrepare, type PrepareResult } from '../../lib/prepare.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.prepare');

export type EcaPrepareResult = PrepareResult;

// EcaCommand is an SfCommand that adds no flags, only the exit codes and the error mapping every command shares
// eslint-disable-next-line sf-plugin/only-extend-SfCommand
export default class EcaPrepare extends EcaCommand<EcaPrepareResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  // eslint-disable-next-line sf-plugin/spread-base-flags -- EcaCommand has no flags of its own
  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: messages.getMessage('flags.target-dev-hub.summary') }),
    name: nameFlag(messages.getMessage('flags.name.summary')),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    retrieve: Flags.boolean({ summary: messages.getMessage('flags.retrieve.summary'), default: true, allowNo: true }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    'source-dir': Flags.directory({
      summary: messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    'non-packageable-dir': Flags.string({
      summary: messages.getMessage('flags.non-packageable-dir.summary'),
      default: 'eca-source-org',
    }),
    'delete-non-packageable': Flags.boolean({ summary: messages.getMessage('flags.delete-non-packageable.summary') }),
    wait: waitFlag(messages.getMessage('flags.wait.summary')),
    'fail-on': failOnFlag({ summary: messages.getMessage('flags.fail-on.summary') }),
  };

  public async run(): Promise<EcaPrepareResult> {
    const { flags } = await this.parse(EcaPrepare);
    const result = await runPrepare(this, {
      cwd: process.cwd(),
      hub: flags['target-dev-hub'],
      devHubOrgId: flags['dev-hub-org-id'],
      names: flags.name,
      outputDir: flags['output-dir'],
      sourceDirs: flags['source-dir'],
      nonPackageableDir: flags['non-packageable-dir'],
      deleteNonPackageable: flags['delete-non-packageable'],
      retrieve: flags.retrieve,
      dryRun: flags['dry-run'],
      apiVersion: flags['api-version'],
      waitSeconds: flags.wait.seconds,
      failOn: flags['fail-on'],
    });
    this.setGateExit(result.check.passed);
    return result;
  }
}
