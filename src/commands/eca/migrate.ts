import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages, Org, SfError } from '@salesforce/core';
import { EXIT, asCannotRun, devHubOrgIdFlag, requiredDevHub } from '../../lib/flags.js';
import { runMigrate, type MigrateResult } from '../../lib/migrate/run.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.migrate');

export type EcaMigrateResult = MigrateResult;

export default class EcaMigrate extends SfCommand<EcaMigrateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    [String(EXIT.passed)]: messages.getMessage('exit.migrated'),
    [String(EXIT.gateFailed)]: messages.getMessage('exit.blocked'),
    [String(EXIT.cannotRun)]: messages.getMessage('exit.cannotRun'),
  });

  public static readonly flags = {
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true }),
    'source-dir': Flags.directory({
      summary: messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    // a plain value resolved only when given, as for --target-dev-hub: a default org must not turn on a retrieve
    'target-org': Flags.string({
      // eslint-disable-next-line sf-plugin/dash-o
      char: 'o',
      summary: messages.getMessage('flags.target-org.summary'),
      exclusive: ['source-dir'],
    }),
    // a plain value resolved only when given: a default Dev Hub in config must not turn a file conversion into a deploy
    'target-dev-hub': Flags.string({ char: 'v', summary: messages.getMessage('flags.target-dev-hub.summary') }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    'api-version': Flags.orgApiVersion(),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      summary: messages.getMessage('flags.wait.summary'),
      defaultValue: 10,
    }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'non-packageable-dir': Flags.string({
      summary: messages.getMessage('flags.non-packageable-dir.summary'),
      default: 'eca-source-org',
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<EcaMigrateResult> {
    const { flags } = await this.parse(EcaMigrate);
    const hub = flags['target-dev-hub'] ? await requiredDevHub(flags['target-dev-hub']) : undefined;
    const sourceOrg = flags['target-org'] ? await Org.create({ aliasOrUsername: flags['target-org'] }) : undefined;
    const result = await runMigrate(this, {
      cwd: process.cwd(),
      hub,
      sourceOrg,
      apiVersion: flags['api-version'],
      waitSeconds: flags.wait.seconds,
      names: flags.name,
      sourceDirs: flags['source-dir'],
      devHubOrgId: flags['dev-hub-org-id'],
      outputDir: flags['output-dir'],
      nonPackageableDir: flags['non-packageable-dir'],
      dryRun: flags['dry-run'],
    });
    process.exitCode = result.passed ? EXIT.passed : EXIT.gateFailed;
    return result;
  }

  protected catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }
}
