import { Flags, toHelpSection } from '@salesforce/sf-plugins-core';
import { EXIT, EcaCommand, withHelp } from '../../lib/command.js';
import { devHubOrgIdFlag, nameFlag, waitFlag } from '../../lib/flags.js';
import { runMigrate, type MigrateResult } from '../../lib/migrate/run.js';

export type EcaMigrateResult = MigrateResult;

export default class EcaMigrate extends EcaCommand<EcaMigrateResult> {
  public static readonly messages = withHelp(this, 'eca.migrate');
  // exit 1 is not a failed checklist here but an app that cannot be migrated as it is
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    [String(EXIT.passed)]: this.messages.getMessage('exit.migrated'),
    [String(EXIT.gateFailed)]: this.messages.getMessage('exit.blocked'),
    [String(EXIT.cannotRun)]: this.messages.getMessage('exit.cannotRun'),
  });

  public static readonly flags = {
    name: nameFlag(this.messages.getMessage('flags.name.summary')),
    'source-dir': Flags.directory({
      summary: this.messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    // plain values resolved only when given: a default org or Dev Hub in config must not turn a file conversion
    // into a retrieve or a deploy
    'target-org': Flags.string({
      char: 'o',
      summary: this.messages.getMessage('flags.target-org.summary'),
      exclusive: ['source-dir'],
    }),
    'target-dev-hub': Flags.string({ char: 'v', summary: this.messages.getMessage('flags.target-dev-hub.summary') }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    'output-dir': Flags.directory({ char: 'd', summary: this.messages.getMessage('flags.output-dir.summary') }),
    'non-packageable-dir': Flags.string({
      summary: this.messages.getMessage('flags.non-packageable-dir.summary'),
      default: 'eca-source-org',
    }),
    'api-version': Flags.orgApiVersion(),
    wait: waitFlag(this.messages.getMessage('flags.wait.summary')),
    'dry-run': Flags.boolean({ summary: this.messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<EcaMigrateResult> {
    const { flags } = await this.parse(EcaMigrate);
    const result = await runMigrate(this, {
      cwd: process.cwd(),
      names: flags.name,
      sourceDirs: flags['source-dir'],
      targetOrg: flags['target-org'],
      targetDevHub: flags['target-dev-hub'],
      devHubOrgId: flags['dev-hub-org-id'],
      outputDir: flags['output-dir'],
      nonPackageableDir: flags['non-packageable-dir'],
      apiVersion: flags['api-version'],
      waitSeconds: flags.wait.seconds,
      dryRun: flags['dry-run'],
    });
    this.setGateExit(result.passed);
    return result;
  }
}
