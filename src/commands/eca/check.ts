import { Flags } from '@salesforce/sf-plugins-core';
import { runCheck } from '../../lib/check.js';
import { EcaCommand, exitCodes, withHelp } from '../../lib/command.js';
import { devHubOrgIdFlag, failOnFlag } from '../../lib/flags.js';
import type { CheckResult } from '../../lib/report.js';

export type EcaCheckResult = CheckResult;

export default class EcaCheck extends EcaCommand<EcaCheckResult> {
  public static readonly messages = withHelp(this, 'eca.check');
  public static readonly errorCodes = exitCodes(true, 'check');

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
    const result = await runCheck(this, process.cwd(), flags);
    this.setGateExit(result.passed);
    return result;
  }
}
