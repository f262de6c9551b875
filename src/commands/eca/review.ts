import { join } from 'node:path';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages, SfError } from '@salesforce/core';
import { loadCatalog } from '../../lib/check.js';
import { asCannotRun, EXIT, requiredDevHub } from '../../lib/flags.js';
import { runRules } from '../../lib/rules/index.js';
import { knownSecrets, outputFolder, writeDocuments, type WrittenDocument } from '../../lib/review/documents.js';
import type { Disclosure } from '../../lib/review/disclosure.js';
import type { Guide } from '../../lib/review/guide.js';
import type { Posture } from '../../lib/review/posture.js';
import { buildReview, readiness, reviewDocuments, type Readiness, type ReviewFormat } from '../../lib/review/review.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.review');

export type EcaReviewResult = Readiness & {
  format: ReviewFormat;
  files: Array<{ path: string; state: WrittenDocument['state'] | 'planned' }>;
  disclosure: Disclosure;
  guide: Guide;
  posture?: Posture;
};

export default class EcaReview extends SfCommand<EcaReviewResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    [String(EXIT.passed)]: messages.getMessage('exit.ready'),
    [String(EXIT.gateFailed)]: messages.getMessage('exit.notReady'),
    [String(EXIT.cannotRun)]: messages.getMessage('exit.cannotRun'),
  });

  public static readonly flags = {
    'target-dev-hub': Flags.string({ char: 'v', summary: messages.getMessage('flags.target-dev-hub.summary') }),
    'api-version': Flags.orgApiVersion(),
    'output-dir': Flags.directory({
      char: 'd',
      summary: messages.getMessage('flags.output-dir.summary'),
      default: '.',
    }),
    format: Flags.option({
      char: 'f',
      summary: messages.getMessage('flags.format.summary'),
      options: ['markdown', 'html'] as const,
      default: 'markdown',
    })(),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<EcaReviewResult> {
    const { flags } = await this.parse(EcaReview);
    const catalog = await loadCatalog(process.cwd());
    const hub = flags['target-dev-hub'] ? await requiredDevHub(flags['target-dev-hub']) : undefined;
    let hubApps;
    let posture;
    if (hub) {
      const { readHubApps } = await import('../../lib/org.js');
      const { readPosture } = await import('../../lib/review/posture.js');
      const conn = hub.getConnection(flags['api-version']);
      this.spinner.start(messages.getMessage('spinner.hub', [hub.getUsername() ?? '']));
      try {
        hubApps = await readHubApps(conn, catalog, { apiVersion: flags['api-version'] });
        posture = await readPosture({ conn, namespace: catalog.project.namespace });
      } finally {
        this.spinner.stop();
      }
    }
    const findings = runRules(catalog, { devHubOrgId: hub?.getOrgId(), hubApps });
    const review = buildReview(catalog, findings, { date: new Date(), hubApps, devHub: hub?.getUsername(), posture });
    const secrets = knownSecrets(catalog, hubApps);
    const documents = await reviewDocuments(review, flags.format, secrets);
    const dir = outputFolder(
      flags['output-dir'],
      catalog.project.packageDirs.map((p) => p.fullPath),
    );
    const files = flags['dry-run']
      ? documents.map((d) => ({ path: join(dir, d.fileName), state: 'planned' as const }))
      : await writeDocuments(dir, documents, secrets);
    for (const f of files)
      this.log(messages.getMessage('info.written', [messages.getMessage(`info.state.${f.state}`), f.path]));
    const ready = readiness(review);
    const verdict = messages.getMessage(ready.ready ? 'info.verdict.ready' : 'info.verdict.notReady');
    this.log(
      messages.getMessage(
        'info.summary',
        [ready.apps, ready.openFindings, ready.unjustified, ready.postureFailures, verdict].map(String),
      ),
    );
    process.exitCode = ready.ready ? EXIT.passed : EXIT.gateFailed;
    return {
      ...ready,
      format: flags.format,
      files,
      disclosure: review.disclosure,
      guide: review.guide,
      posture: review.posture,
    };
  }

  protected override catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }
}
