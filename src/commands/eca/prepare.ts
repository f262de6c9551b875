import { resolve } from 'node:path';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { Messages, SfError } from '@salesforce/core';
import { check, loadCatalog } from '../../lib/check.js';
import { EXIT, asCannotRun, devHubOrgIdFlag } from '../../lib/flags.js';
import { printCheckResult } from '../../lib/output.js';
import { renderTable } from '../../lib/table.js';
import {
  ChangeSummary,
  applyPlan,
  catalogAfter,
  planDiff,
  recoverInterruptedApply,
  summarize,
} from '../../lib/plan.js';
import { guardProcess, onInterrupt } from '../../lib/interrupt.js';
import { printable } from '../../lib/names.js';
import { PrepareConflict, planPrepare } from '../../lib/prepare.js';
import { judge } from '../../lib/forceignore.js';
import { CheckResult, FailOn } from '../../lib/report.js';
import { defaultPackageDir, packageDirOf } from '../../lib/project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.prepare');

export type EcaPrepareResult = {
  dryRun: boolean;
  devHubOrgId?: string;
  apps: string[];
  changes: ChangeSummary[];
  notes: string[];
  diff?: string;
  check: CheckResult;
};

export default class EcaPrepare extends SfCommand<EcaPrepareResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: messages.getMessage('flags.target-dev-hub.summary') }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true }),
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
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      summary: messages.getMessage('flags.wait.summary'),
      defaultValue: 10,
    }),
    'fail-on': Flags.option({
      summary: messages.getMessage('flags.fail-on.summary'),
      options: ['error', 'warning'] as const,
      default: 'error',
    })(),
  };

  public async run(): Promise<EcaPrepareResult> {
    const { flags } = await this.parse(EcaPrepare);
    guardProcess();
    const recovered = await recoverInterruptedApply(process.cwd());
    if (recovered) this.warn(recovered);
    const hub = flags['target-dev-hub'];
    if (flags.retrieve && !hub) throw messages.createError('error.NoDevHub');
    const catalog = await loadCatalog(process.cwd(), flags['source-dir']);
    const project = catalog.project;
    const outputDir = flags['output-dir']
      ? packageDirOf(project, resolve(flags['output-dir']))
      : defaultPackageDir(project);
    if (!outputDir)
      throw messages.createError('error.NotAPackageDir', [
        flags['output-dir'] ?? '',
        project.packageDirs.map((d) => d.path).join(', '),
      ]);
    const nonPackageableDir = resolve(project.root, flags['non-packageable-dir']);
    if (packageDirOf(project, nonPackageableDir))
      throw messages.createError('error.NonPackageableDirInPackage', [flags['non-packageable-dir']]);

    const devHubOrgId = flags['dev-hub-org-id'] ?? hub?.getOrgId();
    let hubApps;
    if (flags.retrieve && hub) {
      const { retrieveApps } = await import('../../lib/org.js');
      this.spinner.start(messages.getMessage('spinner.retrieve', [hub.getUsername() ?? '']));
      try {
        hubApps = await retrieveApps(hub.getConnection(flags['api-version']), {
          apps: flags.name,
          apiVersion: flags['api-version'],
          timeoutSeconds: flags.wait.seconds,
          onStatus: (status) => (this.spinner.status = status),
        });
      } finally {
        this.spinner.stop();
      }
      if (hubApps.size === 0) throw messages.createError('error.NoAppsInOrg', [hub.getUsername() ?? '']);
    }

    let plan;
    try {
      plan = await planPrepare({
        catalog,
        devHubOrgId,
        hubApps,
        names: flags.name,
        outputDir,
        nonPackageableDir,
        deleteNonPackageable: flags['delete-non-packageable'],
      });
    } catch (error) {
      if (error instanceof PrepareConflict) throw messages.createError(error.key, error.tokens);
      throw error;
    }
    const after = catalogAfter(catalog, plan.changes, judge(project.root, plan.forceIgnoreText));
    const notes = plan.notes.map((n) => printable(messages.getMessage(n.key, n.tokens)));
    notes.forEach((n) => this.warn(n));

    const changes = summarize(catalog, plan.changes);
    const diff = flags['dry-run'] ? planDiff(catalog, plan.changes) : undefined;
    if (plan.changes.length === 0) {
      this.log(messages.getMessage('info.nothing'));
    } else if (flags['dry-run']) {
      this.log(messages.getMessage('info.dryRun', [String(plan.changes.length)]));
      this.log(diff);
    } else {
      this.spinner.start(messages.getMessage('spinner.apply', [String(plan.changes.length)]));
      onInterrupt(() => this.spinner.stop(messages.getMessage('spinner.interrupted')));
      await applyPlan(project.root, plan.changes).then(
        () => {
          onInterrupt(undefined);
          this.spinner.stop();
        },
        (error: Error) => {
          onInterrupt(undefined);
          this.spinner.stop(messages.getMessage('spinner.failed'));
          throw error;
        },
      );
    }
    if (plan.changes.length) {
      this.log(
        renderTable(
          changes.map((c) => ({ ...c, from: c.from ?? '' })),
          [
            { key: 'action', name: flags['dry-run'] ? 'Would' : 'Done' },
            { key: 'path', name: 'File' },
            { key: 'from', name: 'From' },
            { key: 'detail', name: 'What', wrap: true },
          ],
        ) + '\n',
      );
    }

    const result = check(after, { failOn: flags['fail-on'] as FailOn, context: { devHubOrgId, hubApps } });
    printCheckResult(this, result);
    process.exitCode = result.passed ? EXIT.passed : EXIT.gateFailed;
    return {
      dryRun: flags['dry-run'],
      devHubOrgId,
      apps: plan.apps,
      changes,
      notes,
      ...(diff !== undefined ? { diff } : {}),
      check: result,
    };
  }

  protected catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }
}
