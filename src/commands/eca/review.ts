import { Flags, toHelpSection } from '@salesforce/sf-plugins-core';
import { EcaCommand, EXIT, withHelp } from '../../lib/command.js';
import { runReview, type ReviewResult } from '../../lib/review/review.js';

export type EcaReviewResult = ReviewResult;

export default class EcaReview extends EcaCommand<EcaReviewResult> {
  public static readonly messages = withHelp(this, 'eca.review');
  // not the gate's wording: exit 1 means the packet lists something a reviewer will raise
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    [String(EXIT.passed)]: this.messages.getMessage('exit.ready'),
    [String(EXIT.gateFailed)]: this.messages.getMessage('exit.notReady'),
    [String(EXIT.cannotRun)]: this.messages.getMessage('exit.cannotRun'),
  });

  public static readonly flags = {
    // a plain value resolved only when given: a default Dev Hub in config must not turn an offline run into org calls
    'target-dev-hub': Flags.string({ char: 'v', summary: this.messages.getMessage('flags.target-dev-hub.summary') }),
    'api-version': Flags.orgApiVersion(),
    'output-dir': Flags.directory({
      char: 'd',
      summary: this.messages.getMessage('flags.output-dir.summary'),
      default: '.',
    }),
    format: Flags.option({
      char: 'f',
      summary: this.messages.getMessage('flags.format.summary'),
      options: ['markdown', 'html'] as const,
      default: 'markdown',
    })(),
    'dry-run': Flags.boolean({ summary: this.messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<EcaReviewResult> {
    const { flags } = await this.parse(EcaReview);
    const result = await runReview(this, process.cwd(), flags);
    this.setGateExit(result.ready);
    return result;
  }
}
