import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages, SfError } from '@salesforce/core';
import { appsInPackageDirs, readContent, type Catalog, type CatalogFile } from './catalog.js';
import { ECA_TYPES, HEADER_TYPE, GLOBAL_OAUTH_TYPE, OAUTH_SETTINGS_TYPE, typeOfFile } from './family.js';
import type { RetrievedApp } from './hub-app.js';

/**
 * Everything that talks to an org. SDR is imported here only, and lazily, so commands that stay offline never
 * load it. Retrieves land in a temporary folder outside the project, are read into memory, and the folder is
 * deleted whatever happens: global OAuth settings may hold the consumer secret and must never touch the project.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.org');

export type { RetrievedApp } from './hub-app.js';

export type RetrieveOptions = {
  /** app developer names; every app of the org when absent */
  apps?: string[];
  apiVersion?: string;
  timeoutSeconds?: number;
  pollMs?: number;
  onStatus?: (status: string) => void;
  /** the project's namespace: plugin files of a namespaced org name their app `ns__App` */
  namespace?: string;
};

/**
 * Types retrieved with the headers: every type that may travel in a package, plus the global settings, read in
 * memory.
 */
const RETRIEVED_PLUGIN_TYPES = ECA_TYPES.filter((t) => t.role === 'settings' || t.role === 'globalSettings').map(
  (t) => t.name,
);

export const HUB_PREFIX = 'Dev Hub:';

export async function listApps(conn: Connection): Promise<string[]> {
  try {
    const listed = await conn.metadata.list([{ type: HEADER_TYPE }]);
    return (Array.isArray(listed) ? listed : [listed])
      .filter(Boolean)
      .map((p) => p.fullName)
      .sort();
  } catch (error) {
    throw orgError(error, conn);
  }
}

export async function retrieveApps(conn: Connection, options: RetrieveOptions): Promise<Map<string, RetrievedApp>> {
  const names = options.apps?.length ? options.apps : await listApps(conn);
  if (names.length === 0) return new Map();
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const { Duration } = await import('@salesforce/kit');
  const components = new ComponentSet([
    ...names.map((fullName) => ({ type: HEADER_TYPE, fullName })),
    ...RETRIEVED_PLUGIN_TYPES.map((type) => ({ type, fullName: '*' })),
  ]);
  if (options.apiVersion) components.sourceApiVersion = options.apiVersion;
  const scratch = await mkdtemp(join(tmpdir(), 'eca-retrieve-'));
  try {
    // Metadata format, unzipped as it came: a source-format retrieve would filter the zip through the .forceignore
    // of the current project, which (rightly) excludes the global settings folder that the rules need to read.
    const operation = await components.retrieve({
      usernameOrConnection: conn,
      output: scratch,
      format: 'metadata',
      unzip: true,
      zipFileName: 'retrieved.zip',
    });
    operation.onUpdate((status) => options.onStatus?.(String(status.status)));
    const result = await operation.pollStatus({
      frequency: Duration.milliseconds(options.pollMs ?? 500),
      timeout: Duration.seconds(options.timeoutSeconds ?? 600),
    });
    const missing = result
      .getFileResponses()
      .filter((r) => r.state === 'Failed' && r.type === HEADER_TYPE)
      .map((r) => r.fullName);
    if (missing.length)
      throw messages.createError(
        'error.AppNotInOrg',
        [conn.getUsername() ?? '', missing.join(', ')],
        [conn.getUsername() ?? ''],
      );
    const status = String(result.response.status);
    if (status !== 'Succeeded' && status !== 'SucceededPartial') {
      throw messages.createError('error.RetrieveFailed', [
        status,
        String((result.response as { errorMessage?: string }).errorMessage ?? ''),
      ]);
    }
    return groupRetrieved(await readTree(scratch, options.namespace), names);
  } catch (error) {
    throw orgError(error, conn);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readTree(dir: string, namespace?: string): Promise<CatalogFile[]> {
  const files: CatalogFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const typed = entry.isFile() ? typeOfFile(entry.name) : undefined;
    if (!typed) continue;
    const path = `${HUB_PREFIX} ${typed.type.directoryName}/${entry.name}`;
    const file = readContent(
      {
        fullPath: '',
        path,
        type: typed.type,
        kind: 'eca',
        fullName: typed.fullName,
        form: typed.form,
        forceIgnored: false,
      },
      await readFile(join(entry.parentPath, entry.name)),
      namespace,
    );
    if (file.readError) throw new Error(`${path}: ${file.readError.message}`);
    files.push(file);
  }
  return files;
}

function groupRetrieved(files: CatalogFile[], names: string[]): Map<string, RetrievedApp> {
  const apps = new Map<string, RetrievedApp>(names.map((name) => [name, { name, files: [] }]));
  for (const file of files) {
    const app = file.app ? apps.get(file.app) : undefined;
    if (!app) continue;
    app.files.push(file);
    if (file.type?.name === HEADER_TYPE) app.header = file;
    if (file.type?.name === OAUTH_SETTINGS_TYPE) app.oauthSettings = file;
    if (file.type?.name === GLOBAL_OAUTH_TYPE) app.globalSettings = file;
  }
  return apps;
}

/** The Dev Hub's copy of the apps the project holds, for the rules that compare files with the org. */
export async function readHubApps(
  conn: Connection,
  catalog: Catalog,
  options: Omit<RetrieveOptions, 'apps'>,
): Promise<Map<string, RetrievedApp>> {
  const names = appsInPackageDirs(catalog);
  if (names.length === 0) return new Map();
  const existing = new Set(await listApps(conn));
  const present = names.filter((n) => existing.has(n));
  const apps = present.length
    ? await retrieveApps(conn, { ...options, apps: present, namespace: catalog.project.namespace })
    : new Map<string, RetrievedApp>();
  for (const name of names.filter((n) => !existing.has(n))) apps.set(name, { name, files: [] });
  return apps;
}

/** Turns what jsforce, SDR and the server throw into errors that say what happened and what to do. */
export function orgError(error: unknown, conn: Connection): SfError {
  if (error instanceof SfError && ['AppNotInOrgError', 'RetrieveFailedError'].includes(error.name)) return error;
  const e = error as { name?: string; errorCode?: string; message?: string };
  const text = `${e.errorCode ?? ''} ${e.name ?? ''} ${e.message ?? String(error)}`;
  const user = conn.getUsername() ?? '';
  if (/INVALID_SESSION_ID|Session expired|expired access\/refresh token|invalid_grant/i.test(text)) {
    return messages.createError('error.SessionExpired', [user], [user]);
  }
  if (/timed out|timeout|PollingClient/i.test(text)) return messages.createError('error.Timeout', [user]);
  if (/zip|central directory|corrupted|end of data/i.test(text))
    return messages.createError('error.BrokenResponse', [user]);
  return messages.createError('error.OrgFailed', [user, (e.message ?? String(error)).split('\n')[0]]);
}

export type DeployFile = { type: string; fullName: string; relativePath: string; bytes: Buffer };
export type DeployProblem = { type: string; fullName: string; problem: string };
export type DeployOutcome = {
  id: string;
  status: string;
  success: boolean;
  deployed: Array<{ type: string; fullName: string }>;
  problems: DeployProblem[];
};

/**
 * Deploys exactly the given files (written to a temporary source folder, deleted afterwards) and waits for the
 * result.
 */
export async function deployFiles(
  conn: Connection,
  files: DeployFile[],
  options: Omit<RetrieveOptions, 'apps'>,
): Promise<DeployOutcome> {
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const { Duration } = await import('@salesforce/kit');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const scratch = await mkdtemp(join(tmpdir(), 'eca-deploy-'));
  try {
    for (const file of files) {
      const target = join(scratch, file.relativePath);
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, file.bytes);
    }
    const components = ComponentSet.fromSource(scratch);
    if (options.apiVersion) components.sourceApiVersion = options.apiVersion;
    const operation = await components.deploy({ usernameOrConnection: conn });
    operation.onUpdate((status) => options.onStatus?.(String(status.status)));
    const result = await operation.pollStatus({
      frequency: Duration.milliseconds(options.pollMs ?? 500),
      timeout: Duration.seconds(options.timeoutSeconds ?? 600),
    });
    const responses = result.getFileResponses();
    const response = result.response as typeof result.response & { errorMessage?: string; errorStatusCode?: string };
    const problems = responses
      .filter((r) => r.state === 'Failed')
      .map((r) => ({ type: r.type, fullName: r.fullName, problem: 'error' in r ? String(r.error) : 'failed' }));
    // a deploy can also fail as a whole, with no component to blame
    if (response.errorMessage)
      problems.push({ type: 'deploy', fullName: response.errorStatusCode ?? '', problem: response.errorMessage });
    return {
      id: result.response.id,
      status: String(result.response.status),
      success: result.response.success === true || String(result.response.success) === 'true',
      deployed: files.map((f) => ({ type: f.type, fullName: f.fullName })),
      problems,
    };
  } catch (error) {
    throw orgError(error, conn);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** True when the Dev Hub created the org with this id (its ScratchOrgInfo names it). */
export async function isScratchOrgOf(hub: Connection, orgId: string): Promise<boolean> {
  try {
    const result = await hub.query<{ Id: string }>(
      `SELECT Id FROM ScratchOrgInfo WHERE ScratchOrg = '${orgId.slice(0, 15)}'`,
    );
    return result.totalSize > 0;
  } catch (error) {
    throw orgError(error, hub);
  }
}
