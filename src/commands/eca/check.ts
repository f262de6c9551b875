import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { check, loadCatalog } from '../../lib/check.js';
import { EcaCommand, readDevHub } from '../../lib/command.js';
import { devHubOrgIdFlag, failOnFlag, requiredDevHub } from '../../lib/flags.js';
import { printCheckResult } from '../../lib/output.js';
import { CheckResult, junitXml } from '../../lib/report.js';
import { RULES } from '../../lib/rules/index.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.check');

export type EcaCheckResult = CheckResult;

// EcaCommand is an SfCommand that adds no flags, only the exit codes and the error mapping every command shares
// eslint-disable-next-line sf-plugin/only-extend-SfCommand
export default class EcaCheck extends EcaCommand<EcaCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  // eslint-disable-next-line sf-plugin/spread-base-flags -- EcaCommand has no flags of its own
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
    'fail-on': failOnFlag(),
    junit: Flags.file({ summary: messages.getMessage('flags.junit.summary') }),
  };

  public async run(): Promise<EcaCheckResult> {
    const { flags } = await this.parse(EcaCheck);
    const apiVersion = flags['api-version'];
    const catalog = await loadCatalog(process.cwd(), flags['source-dir']);
    const hub = flags['target-dev-hub'] ? await requiredDevHub(flags['target-dev-hub']) : undefined;
    const hubApps = hub
      ? await readDevHub(
          this,
          hub,
          apiVersion,
          messages.getMessage('spinner.hub', [hub.getUsername() ?? '']),
          (org, conn) => org.readHubApps(conn, catalog, { apiVersion }),
        )
      : undefined;
    const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
    const result = check(catalog, { failOn: flags['fail-on'], context: { devHubOrgId, hubApps } });
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
    this.setGateExit(result.passed);
    return result;
  }
}
