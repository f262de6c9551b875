import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages, SfError } from '@salesforce/core';
import { EXIT, asCannotRun, devHubOrgIdFlag } from '../../lib/flags.js';
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
    'dev-hub-org-id': devHubOrgIdFlag(),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'non-packageable-dir': Flags.string({
      summary: messages.getMessage('flags.non-packageable-dir.summary'),
      default: 'eca-source-org',
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<EcaMigrateResult> {
    const { flags } = await this.parse(EcaMigrate);
    const result = await runMigrate(this, {
      cwd: process.cwd(),
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
