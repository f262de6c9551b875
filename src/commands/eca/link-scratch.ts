import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { Messages, Org, SfError } from '@salesforce/core';
import { appsInPackageDirs } from '../../lib/catalog.js';
import { loadCatalog } from '../../lib/check.js';
import { asCannotRun, devHubOrgIdFlag } from '../../lib/flags.js';
import { sameId } from '../../lib/ids.js';
import { LinkProblem, builtLink, deployFilesFor, hubLink, knownDeployError, linksNotHeld } from '../../lib/link.js';
import { OAUTH_SETTINGS_TYPE } from '../../lib/family.js';
import {
  ChangeSummary,
  PlannedChange,
  applyPlan,
  planDiff,
  recoverInterruptedApply,
  summarize,
} from '../../lib/plan.js';
import { guardProcess } from '../../lib/interrupt.js';
import { planAppChanges } from '../../lib/prepare.js';
import { defaultPackageDir } from '../../lib/project.js';
import { ScratchDefGap, scratchDefinitionGaps } from '../../lib/scratch-def.js';
import { child } from '../../lib/xml.js';
import type { DeployFile, RetrievedApp } from '../../lib/org.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.link-scratch');

export type EcaLinkScratchResult = {
  dryRun: boolean;
  links: Array<{ app: string; oauthLink: string }>;
  changes: ChangeSummary[];
  diff?: string;
  deploy?: {
    targetOrg: string;
    id?: string;
    status: string;
    components: Array<{ type: string; fullName: string }>;
    verified: boolean;
  };
  scratchDefinitions: ScratchDefGap[];
};

export default class EcaLinkScratch extends SfCommand<EcaLinkScratchResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-dev-hub': Flags.optionalHub({ summary: messages.getMessage('flags.target-dev-hub.summary') }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true }),
    // a plain string, not optionalOrg: a default target-org must not turn a file edit into a deploy
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    'run-as': Flags.string({ summary: messages.getMessage('flags.run-as.summary'), dependsOn: ['target-org'] }),
    'dev-hub-org-id': devHubOrgIdFlag({ exclusive: ['target-dev-hub'], dependsOn: ['consumer-id'] }),
    'consumer-id': Flags.string({
      summary: messages.getMessage('flags.consumer-id.summary'),
      dependsOn: ['dev-hub-org-id'],
    }),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      summary: messages.getMessage('flags.wait.summary'),
      defaultValue: 10,
    }),
  };

  public async run(): Promise<EcaLinkScratchResult> {
    const { flags } = await this.parse(EcaLinkScratch);
    guardProcess();
    const recovered = await recoverInterruptedApply(process.cwd());
    if (recovered) this.warn(recovered);
    const hub = flags['target-dev-hub'];
    const offline = flags['consumer-id'] !== undefined;
    if (!offline && !hub) throw messages.createError('error.NoDevHub');
    if (offline && !flags.name?.length) throw messages.createError('error.NameRequired');
    if (offline && new Set(flags.name).size > 1)
      throw messages.createError('error.OneAppOffline', [
        String(new Set(flags.name).size),
        [...new Set(flags.name)].join(', '),
      ]);
    const catalog = await loadCatalog(process.cwd());
    const names = flags.name?.length ? [...new Set(flags.name)] : appsInPackageDirs(catalog);
    if (names.length === 0) throw messages.createError('error.NoApps');

    const devHubOrgId = flags['dev-hub-org-id'] ?? hub!.getOrgId();
    const links = new Map<string, string>();
    let hubApps: Map<string, RetrievedApp> | undefined;
    if (offline) {
      for (const name of names) links.set(name, this.linkOrThrow(builtLink(devHubOrgId, flags['consumer-id']!)));
    } else {
      const { retrieveApps } = await import('../../lib/org.js');
      this.spinner.start(messages.getMessage('spinner.hub', [hub!.getUsername() ?? '']));
      hubApps = await retrieveApps(hub!.getConnection(flags['api-version']), {
        apps: names,
        apiVersion: flags['api-version'],
        timeoutSeconds: flags.wait.seconds,
      }).finally(() => this.spinner.stop());
      for (const name of names) links.set(name, this.linkOrThrow(hubLink(hubApps.get(name) ?? { name, files: [] })));
    }

    // linking writes only what it deploys: the header and the OAuth settings
    const input = {
      catalog,
      devHubOrgId,
      hubApps,
      links,
      outputDir: defaultPackageDir(catalog.project),
      headerAndOauthOnly: true,
    };
    const changes: PlannedChange[] = names.flatMap((name) => planAppChanges(input, name).changes);
    const deployFiles = names.flatMap((name) => {
      const files = deployFilesFor(catalog, changes, name, flags['run-as']);
      if (!files.some((f) => f.type === OAUTH_SETTINGS_TYPE))
        throw messages.createError('error.NoOauthSettingsFile', [name]);
      return files;
    });
    if (flags['run-as']) {
      // the linked app uses the Dev Hub's global settings: the developer half of the flow is switched on there, not here
      for (const name of names) {
        const global = hubApps?.get(name)?.globalSettings?.doc;
        if (global && child(global.root, 'isClientCredentialsFlowEnabled')?.text.trim() !== 'true')
          this.warn(messages.getMessage('warning.RunAsFlowOff', [name]));
      }
    }
    const scratchDefinitions = await scratchDefinitionGaps(catalog.project);
    for (const gap of scratchDefinitions) this.warn(messages.getMessage('warning.ScratchDef', [gap.file, gap.snippet]));

    const summary = summarize(catalog, changes);
    const result: EcaLinkScratchResult = {
      dryRun: flags['dry-run'] ?? false,
      links: [...links].map(([app, oauthLink]) => ({ app, oauthLink })),
      changes: summary,
      scratchDefinitions,
    };
    const target = flags['target-org'] ? await Org.create({ aliasOrUsername: flags['target-org'] }) : undefined;
    // a Dev Hub only vouches for the scratch org when it is the Dev Hub of the link (offline, a default hub may be another)
    const vouching = hub && sameId(hub.getOrgId(), devHubOrgId) ? hub : undefined;
    if (target) await this.ensureScratchOf(target, vouching, flags['api-version']);
    if (flags['dry-run']) {
      result.diff = planDiff(catalog, changes);
      this.log(changes.length ? result.diff : messages.getMessage('info.filesCurrent'));
      if (target)
        this.log(
          messages.getMessage('info.wouldDeploy', [
            target.getUsername() ?? '',
            deployFiles.map((f) => `${f.type}:${f.fullName}`).join(', '),
          ]),
        );
      return result;
    }
    if (target) result.deploy = await this.deploy(target, deployFiles, links, flags['api-version'], flags.wait.seconds);
    if (changes.length) await applyPlan(catalog.project.root, changes);
    this.log(
      changes.length
        ? messages.getMessage('info.filesWritten', [summary.map((c) => `${c.path} (${c.detail})`).join(', ')])
        : messages.getMessage('info.filesCurrent'),
    );
    return result;
  }

  protected catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }

  private linkOrThrow(found: { link: string } | LinkProblem): string {
    if ('link' in found) return found.link;
    throw messages.createError(found.key, found.tokens);
  }

  /** The deploy goes only to a scratch org of this Dev Hub (asked of the Dev Hub when there is one, else of the org itself). */
  private async ensureScratchOf(target: Org, hub: Org | undefined, apiVersion: string | undefined): Promise<void> {
    const org = await import('../../lib/org.js');
    const isScratch = hub
      ? await org.isScratchOrgOf(hub.getConnection(apiVersion), target.getOrgId())
      : await target.determineIfScratch();
    if (!isScratch)
      throw messages.createError('error.NotScratchOfHub', [
        target.getUsername() ?? '',
        hub?.getUsername() ?? 'the Dev Hub',
      ]);
  }

  private async deploy(
    target: Org,
    files: DeployFile[],
    links: Map<string, string>,
    apiVersion: string | undefined,
    timeoutSeconds: number,
  ): Promise<NonNullable<EcaLinkScratchResult['deploy']>> {
    const org = await import('../../lib/org.js');
    const username = target.getUsername() ?? '';
    this.spinner.start(messages.getMessage('spinner.deploy', [String(files.length), username]));
    const outcome = await org
      .deployFiles(target.getConnection(apiVersion), files, {
        apiVersion,
        timeoutSeconds,
        onStatus: (s) => (this.spinner.status = s),
      })
      .finally(() => this.spinner.stop());
    if (!outcome.success) {
      const key = outcome.problems.map((p) => knownDeployError(p.problem)).find((k) => k !== undefined);
      const detail = outcome.problems.map((p) => `${p.type}:${p.fullName}: ${p.problem}`).join('; ') || outcome.status;
      throw messages.createError(key ?? 'error.DeployFailed', [username, detail]);
    }
    this.spinner.start(messages.getMessage('spinner.verify', [username]));
    const back = await org
      .retrieveApps(target.getConnection(apiVersion), { apps: [...links.keys()], apiVersion, timeoutSeconds })
      .finally(() => this.spinner.stop());
    const verified = linksNotHeld(back, links).length === 0;
    if (!verified) throw messages.createError('error.LinkNotHeld', [username]);
    this.logSuccess(messages.getMessage('info.deployed', [String(files.length), username]));
    return { targetOrg: username, id: outcome.id, status: outcome.status, components: outcome.deployed, verified };
  }
}
