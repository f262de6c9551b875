import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import type { Catalog } from '../catalog.js';
import { loadCatalog } from '../check.js';
import { readDevHub, type Ui } from '../command.js';
import { requiredDevHub } from '../flags.js';
import type { HubApp } from '../hub-app.js';
import { runRules } from '../rules/index.js';
import type { Finding } from '../rules/rule.js';
import { buildDisclosure, type Disclosure } from './disclosure.js';
import {
  assertNoSecret,
  knownSecrets,
  outputFolder,
  writeDocuments,
  type ReviewDocument,
  type WrittenDocument,
} from './documents.js';
import { buildGuide, type Guide } from './guide.js';
import { guideMarkdown, packetMarkdown } from './markdown.js';
import type { Posture } from './posture.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.reviewing');

/**
 * `sf eca review` as one call: the packet (disclosure and Dev Hub posture) and the post-install guide, as data and
 * as documents. The command reads the project, the findings and (optionally) the Dev Hub, and calls this.
 */

export type ReviewFormat = 'markdown' | 'html';

export type Review = { disclosure: Disclosure; guide: Guide; posture?: Posture };

export const PACKET_FILE = 'security-review-packet';
export const GUIDE_FILE = 'post-install-guide';

export type PackageInfo = { name?: string; extensionOf: string[] };

/**
 * The packages of the project as sfdx-project.json names them: the title of the documents (package names, else the
 * project's name, else its folder), and per package directory its package and the packages it depends on (an app
 * that ships in an extension must name its base package). Project.ts keeps only what the rules need, so these
 * display fields are read here; loadProject has already validated the file.
 */
export function readPackages(catalog: Catalog): { title: string; byDir: Map<string, PackageInfo> } {
  const byDir = new Map<string, PackageInfo>();
  let title = basename(catalog.project.root);
  try {
    const raw = JSON.parse(readFileSync(catalog.project.projectFile, 'utf8').replace(/^\uFEFF/, '')) as {
      name?: unknown;
      packageDirectories?: Array<{ path?: unknown; package?: unknown; dependencies?: Array<{ package?: unknown }> }>;
    };
    const named = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
    for (const dir of raw.packageDirectories ?? []) {
      if (!named(dir?.path)) continue;
      const dependsOn = (Array.isArray(dir.dependencies) ? dir.dependencies : []).map((d) => d?.package).filter(named);
      byDir.set(dir.path.replace(/\\/g, '/').replace(/\/+$/, ''), {
        name: named(dir.package) ? dir.package : undefined,
        // an alias may carry a version (Base@1.2.0-1); the package is what is named
        extensionOf: [...new Set(dependsOn.map((d) => d.replace(/@[^@]*$/, '')))],
      });
    }
    const packages = [...new Set([...byDir.values()].flatMap((p) => (p.name ? [p.name] : [])))];
    if (packages.length) title = packages.join(', ');
    else if (named(raw.name)) title = raw.name;
  } catch {
    // a failure here only costs the nicer title and the package names
  }
  return { title, byDir };
}

export type ReviewOptions = { date: Date; hubApps?: Map<string, HubApp>; devHub?: string; posture?: Posture };

export function buildReview(catalog: Catalog, findings: Finding[], options: ReviewOptions): Review {
  const { title, byDir } = readPackages(catalog);
  return {
    disclosure: buildDisclosure(catalog, findings, {
      title,
      packages: byDir,
      date: options.date,
      hubApps: options.hubApps,
      devHub: options.devHub,
    }),
    guide: buildGuide(catalog, { title, date: options.date, hubApps: options.hubApps }),
    posture: options.posture,
  };
}

/** The two documents in the asked format, checked for secrets before anyone sees them. */
export async function reviewDocuments(
  review: Review,
  format: ReviewFormat,
  secrets: string[],
): Promise<ReviewDocument[]> {
  const packet = packetMarkdown(review.disclosure, review.posture);
  const guide = guideMarkdown(review.guide);
  let documents: ReviewDocument[];
  if (format === 'html') {
    const { htmlPage } = await import('./html.js');
    documents = [
      {
        fileName: `${PACKET_FILE}.html`,
        content: await htmlPage(
          packet,
          `Security review packet: ${review.disclosure.project} (${review.disclosure.date})`,
        ),
      },
      {
        fileName: `${GUIDE_FILE}.html`,
        content: await htmlPage(guide, `After installing ${review.guide.project} (${review.guide.date})`),
      },
    ];
  } else {
    documents = [
      { fileName: `${PACKET_FILE}.md`, content: packet },
      { fileName: `${GUIDE_FILE}.md`, content: guide },
    ];
  }
  assertNoSecret(documents, secrets);
  return documents;
}

export type Readiness = {
  apps: number;
  openFindings: number;
  /** flows and scopes that need a justification the project does not record, and forbidden flows */
  unjustified: number;
  postureFailures: number;
  ready: boolean;
};

/** What the exit code reports: whether a reviewer would find anything to raise in the packet. */
export function readiness(review: Review): Readiness {
  const apps = review.disclosure.apps;
  const openFindings = apps.reduce((n, a) => n + a.openFindings.length, review.disclosure.projectFindings.length);
  const unjustified = apps
    .flatMap((a) => [...a.flows, ...a.scopes])
    .filter((f) => f.verdict === 'forbidden' || (f.verdict === 'needs justification' && !f.justification)).length;
  const postureFailures = review.posture?.checks.filter((c) => c.verdict === 'fail').length ?? 0;
  return {
    apps: apps.length,
    openFindings,
    unjustified,
    postureFailures,
    ready: openFindings + unjustified + postureFailures === 0,
  };
}

/** The flags of `sf eca review`, as the command parses them. */
export type ReviewFlags = {
  /** as given: the Dev Hub is read only when the user names it */
  'target-dev-hub'?: string;
  'api-version'?: string;
  'output-dir': string;
  format: ReviewFormat;
  'dry-run': boolean;
};

/** What `sf eca review --json` returns: the same facts as the documents, the files and the verdict. */
export type ReviewResult = Readiness & {
  format: ReviewFormat;
  files: Array<{ path: string; state: WrittenDocument['state'] | 'planned' }>;
  disclosure: Disclosure;
  guide: Guide;
  posture?: Posture;
};

/** The whole of `sf eca review`: the catalog and its findings, the Dev Hub when asked for, the documents. */
export async function runReview(ui: Ui, cwd: string, flags: ReviewFlags): Promise<ReviewResult> {
  const { 'api-version': apiVersion, 'target-dev-hub': hubName } = flags;
  const catalog = await loadCatalog(cwd);
  const dir = outputFolder(
    flags['output-dir'],
    catalog.project.packageDirs.map((p) => p.fullPath),
  );
  const hub = hubName ? await requiredDevHub(hubName) : undefined;
  const fromHub = hub
    ? await readDevHub(
        ui,
        hub,
        apiVersion,
        messages.getMessage('spinner.hub', [hub.getUsername() ?? '']),
        async (org, conn) => {
          const { readPosture } = await import('./posture.js');
          const hubApps = await org.readHubApps(conn, catalog, { apiVersion });
          return { hubApps, posture: await readPosture({ conn, namespace: catalog.project.namespace }) };
        },
      )
    : undefined;
  const hubApps = fromHub?.hubApps;
  const findings = runRules(catalog, { devHubOrgId: hub?.getOrgId(), hubApps });
  const review = buildReview(catalog, findings, {
    date: new Date(),
    hubApps,
    devHub: hub?.getUsername(),
    posture: fromHub?.posture,
  });
  const secrets = knownSecrets(catalog, hubApps);
  const documents = await reviewDocuments(review, flags.format, secrets);
  const files = flags['dry-run']
    ? documents.map((d) => ({ path: join(dir, d.fileName), state: 'planned' as const }))
    : await writeDocuments(dir, documents, secrets);
  for (const f of files) {
    ui.log(messages.getMessage('info.written', [messages.getMessage(`info.state.${f.state}`), f.path]));
  }
  const ready = readiness(review);
  const verdict = messages.getMessage(ready.ready ? 'info.verdict.ready' : 'info.verdict.notReady');
  ui.log(
    messages.getMessage(
      'info.summary',
      [ready.apps, ready.openFindings, ready.unjustified, ready.postureFailures, verdict].map(String),
    ),
  );
  return { ...ready, format: flags.format, files, ...review };
}
