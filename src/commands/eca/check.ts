import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Flags } from '@salesforce/sf-plugins-core';
import { check, loadCatalog } from '../../lib/check.js';
import { EcaCommand, readDevHub, withHelp } from '../../lib/command.js';
import { devHubOrgIdFlag, failOnFlag, requiredDevHub } from '../../lib/flags.js';
import { printCheckResult } from '../../lib/output.js';
import { CheckResult, junitXml } from '../../lib/report.js';
import { RULES } from '../../lib/rules/index.js';

export type EcaCheckResult = CheckResult;

export default class EcaCheck extends EcaCommand<EcaCheckResult> {
  public static readonly messages = withHelp(this, 'eca.check');

  public static readonly flags = {
    'source-dir': Flags.directory({
      char: 'd',
      summary: this.messages.getMessage('flags.source-dir.summary'),
      multiple: true,
      exists: true,
    }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'] }),
    // a plain value resolved only when given: a default Dev Hub in config must not turn an offline gate into org calls
    'target-dev-hub': Flags.string({ char: 'v', summary: this.messages.getMessage('flags.target-dev-hub.summary') }),
    'api-version': Flags.orgApiVersion(),
    'fail-on': failOnFlag(),
    junit: Flags.file({ summary: this.messages.getMessage('flags.junit.summary') }),
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
          EcaCheck.messages.getMessage('spinner.hub', [hub.getUsername() ?? '']),
          (org, conn) => org.readHubApps(conn, catalog, { apiVersion }),
        )
      : undefined;
    const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
    const result = check(catalog, { failOn: flags['fail-on'], context: { devHubOrgId, hubApps } });
    if (catalog.apps.size === 0 && result.findings.length === 0) {
      this.log(EcaCheck.messages.getMessage('info.noEca', [catalog.project.root]));
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
      this.log(EcaCheck.messages.getMessage('info.junit', [flags.junit]));
    }
    this.setGateExit(result.passed);
    return result;
  }
}
