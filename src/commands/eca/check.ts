import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages, SfError } from '@salesforce/core';
import { check, loadCatalog } from '../../lib/check.js';
import { recoverInterruptedApply } from '../../lib/plan.js';
import { guardProcess } from '../../lib/interrupt.js';
import { printCheckResult } from '../../lib/output.js';
import { CheckResult, FailOn, junitXml } from '../../lib/report.js';
import { RULES } from '../../lib/rules/index.js';
import { asCannotRun, devHubOrgIdFlag, EXIT, requiredDevHub } from '../../lib/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.check');

export type EcaCheckResult = CheckResult;

export default class EcaCheck extends SfCommand<EcaCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    [String(EXIT.passed)]: messages.getMessage('exit.passed'),
    [String(EXIT.gateFailed)]: messages.getMessage('exit.failed'),
    [String(EXIT.cannotRun)]: messages.getMessage('exit.cannotRun'),
  });

  public static readonly flags = {
    'source-dir': Flags.directory({
      char: 'd',
      summary: messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    // a plain value resolved only when given: a default Dev Hub in config must not turn an offline gate into org calls
    'target-dev-hub': Flags.string({ char: 'v', summary: messages.getMessage('flags.target-dev-hub.summary') }),
    'api-version': Flags.orgApiVersion(),
    'fail-on': Flags.option({
      summary: messages.getMessage('flags.fail-on.summary'),
      options: ['error', 'warning'] as const,
      default: 'error',
    })(),
    junit: Flags.file({ summary: messages.getMessage('flags.junit.summary') }),
  };

  public async run(): Promise<EcaCheckResult> {
    const { flags } = await this.parse(EcaCheck);
    guardProcess();
    // an apply that a kill interrupted is finished or undone first, so the gate judges a whole project
    const recovered = await recoverInterruptedApply(process.cwd());
    if (recovered) this.warn(recovered);
    const catalog = await loadCatalog(process.cwd(), flags['source-dir']);
    const hub = flags['target-dev-hub'] ? await requiredDevHub(flags['target-dev-hub']) : undefined;
    const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
    let hubApps;
    if (hub) {
      const { readHubApps } = await import('../../lib/org.js');
      this.spinner.start(messages.getMessage('spinner.hub', [hub.getUsername() ?? '']));
      hubApps = await readHubApps(hub.getConnection(flags['api-version']), catalog, {
        apiVersion: flags['api-version'],
      }).finally(() => this.spinner.stop());
    }
    const result = check(catalog, { failOn: flags['fail-on'] as FailOn, context: { devHubOrgId, hubApps } });
    if (catalog.apps.size === 0 && result.findings.length === 0) {
      this.log(messages.getMessage('info.noEca', [catalog.project.root]));
    } else {
      printCheckResult(this, result);
    }
    if (flags.junit) {
      await mkdir(dirname(resolve(flags.junit)), { recursive: true });
      await writeFile(
        resolve(flags.junit),
        junitXml(
          result,
          RULES.map((r) => r.id),
        ),
      );
      this.log(messages.getMessage('info.junit', [flags.junit]));
    }
    process.exitCode = result.passed ? EXIT.passed : EXIT.gateFailed;
    return result;
  }

  protected override catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }
}
