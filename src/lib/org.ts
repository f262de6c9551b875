import { basename, dirname, join, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Connection } from '@salesforce/core';
import type { TreeContainer, VirtualDirectory } from '@salesforce/source-deploy-retrieve';
import { Messages, SfError } from '@salesforce/core';
import { appsInPackageDirs, namespaceOf, readContent, type Catalog, type CatalogFile } from './catalog.js';
import {
  ECA_TYPES,
  HEADER_TYPE,
  GLOBAL_OAUTH_TYPE,
  OAUTH_SETTINGS_TYPE,
  connectedAppOfFile,
  typeOfFile,
} from './family.js';
import type { RetrievedApp } from './hub-app.js';
import { isDeveloperName } from './names.js';

/**
 * Everything that talks to an org. SDR is imported here only, and lazily, so commands that stay offline never
 * load it. Retrieves are read in memory and never touch disk: global OAuth settings and push settings may hold
 * secrets, which must exist nowhere but in this process.
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

/** Types retrieved with the headers: every type that may travel in a package, plus the global settings, read in memory. */
const RETRIEVED_PLUGIN_TYPES = ECA_TYPES.filter((t) => t.role === 'settings' || t.role === 'globalSettings').map(
  (t) => t.name,
);

export const HUB_PREFIX = 'Dev Hub:';

const CONNECTED_APP = 'ConnectedApp';

export async function listApps(conn: Connection): Promise<string[]> {
  return listMembers(conn, HEADER_TYPE, () => true);
}

/** The developer names the org lists for a type, those `keep` accepts, sorted. */
async function listMembers(
  conn: Connection,
  type: string,
  keep: (listed: { namespacePrefix?: string | null }) => boolean,
): Promise<string[]> {
  try {
    const listed = await conn.metadata.list([{ type }]);
    return (Array.isArray(listed) ? listed : [listed])
      .filter((p) => p && keep(p))
      .map((p) => p.fullName)
      .sort();
  } catch (error) {
    throw orgError(error, conn);
  }
}

type RetrieveStatus = Awaited<ReturnType<Connection['metadata']['checkRetrieveStatus']>> & { errorMessage?: string };

/**
 * Retrieves the given members with the Metadata API itself, not SDR's retrieve: SDR unzips the response into a
 * folder, and these files hold secrets. Polls until the retrieve is done and returns its status, whose zip comes
 * base64 and is read in memory (retrieved-zip.ts). Errors are the caller's to turn into messages (orgError).
 */
async function retrieveInMemory(
  conn: Connection,
  types: Array<{ members: string[]; name: string }>,
  options: RetrieveOptions,
): Promise<RetrieveStatus> {
  const version = options.apiVersion ?? conn.getApiVersion();
  // jsforce types the request after the WSDL's full Package; the server accepts (and SDR sends) this subset
  const request = { apiVersion: version, singlePackage: true, unpackaged: { types, version } };
  const started = await conn.metadata.retrieve(request as unknown as Parameters<Connection['metadata']['retrieve']>[0]);
  const deadline = Date.now() + (options.timeoutSeconds ?? 600) * 1000;
  for (;;) {
    const result = (await conn.metadata.checkRetrieveStatus(started.id)) as RetrieveStatus;
    options.onStatus?.(String(result.status));
    if (String(result.done) === 'true') {
      const status = String(result.status);
      if (status !== 'Succeeded' && status !== 'SucceededPartial') {
        throw messages.createError('error.RetrieveFailed', [status, String(result.errorMessage ?? '')]);
      }
      return result;
    }
    if (Date.now() + (options.pollMs ?? 500) > deadline) throw new Error('The client has timed out.');
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

/** Names from a listing or a flag split into developer names and the rest, which never become a request or a file. */
function splitNames(listed: string[]): { names: string[]; badNames: string[] } {
  return { names: listed.filter(isDeveloperName), badNames: listed.filter((n) => !isDeveloperName(n)) };
}

export async function retrieveApps(conn: Connection, options: RetrieveOptions): Promise<Map<string, RetrievedApp>> {
  const { names, badNames } = splitNames(options.apps?.length ? options.apps : await listApps(conn));
  if (names.length === 0) return new Map();
  const user = conn.getUsername() ?? '';
  try {
    // members before name: the order of PackageTypeMembers in the WSDL
    const types = [
      { members: names, name: HEADER_TYPE },
      ...RETRIEVED_PLUGIN_TYPES.map((name) => ({ members: ['*'], name })),
    ];
    const result = await retrieveInMemory(conn, types, options);
    const missing = names.filter((name) => notFound(result.messages, name));
    if (missing.length) throw messages.createError('error.AppNotInOrg', [user, missing.join(', ')], [user]);
    const { readRetrievedZip } = await import('./retrieved-zip.js');
    const zip = await readRetrievedZip(String(result.zipFile ?? ''), typeOfFile);
    const files = zip.files.map((z) => {
      const path = `${HUB_PREFIX} ${z.type.directoryName}/${z.entry.split('/').pop()}`;
      const file = {
        fullPath: '',
        path,
        type: z.type,
        kind: 'eca' as const,
        fullName: z.fullName,
        form: z.form,
        forceIgnored: false,
      };
      return readContent(file, z.bytes, options.namespace);
    });
    return groupRetrieved(files, names, [...badNames, ...zip.refused.map((r) => r.entry)]);
  } catch (error) {
    throw orgError(error, conn);
  }
}

function notFound(messagesOfRetrieve: unknown, name: string): boolean {
  const list = (Array.isArray(messagesOfRetrieve) ? messagesOfRetrieve : [messagesOfRetrieve]) as Array<{
    problem?: string;
  }>;
  return list.some(
    (m) => typeof m?.problem === 'string' && m.problem.includes(`'${HEADER_TYPE}' named '${name}' cannot be found`),
  );
}

function groupRetrieved(files: CatalogFile[], names: string[], refused: string[]): Map<string, RetrievedApp> {
  const apps = new Map<string, RetrievedApp>(names.map((name) => [name, { name, files: [], refused }]));
  for (const file of files) {
    const app = file.app ? apps.get(file.app) : undefined;
    if (!app) {
      // ns__App where ns is not the project's namespace: not the app, but worth naming when the app is not found
      const ns = file.app ? namespaceOf(file.app) : undefined;
      const named = ns ? apps.get(file.app!.slice(ns.length + 2)) : undefined;
      if (named) named.otherNamespace = ns;
      continue;
    }
    app.files.push(file);
    if (file.type?.name === HEADER_TYPE) app.header = file;
    if (file.type?.name === OAUTH_SETTINGS_TYPE) app.oauthSettings = file;
    if (file.type?.name === GLOBAL_OAUTH_TYPE) app.globalSettings = file;
  }
  return apps;
}

/**
 * Connected Apps of an org read in memory. `refused`: names the org listed and zip entries it sent that no Metadata
 * API component can have (a climbing path, an escape code), left out and never used as file names.
 */
export type RetrievedConnectedApps = { files: CatalogFile[]; refused: string[] };

/**
 * Connected Apps of an org (by name, or every one the org lists that no package installed), retrieved in metadata
 * format and read in memory from the zip, never unzipped to disk: they may hold a consumer secret.
 */
export async function retrieveConnectedApps(
  conn: Connection,
  options: RetrieveOptions,
): Promise<RetrievedConnectedApps> {
  const { names, badNames } = splitNames(
    options.apps?.length ? options.apps : await listMembers(conn, CONNECTED_APP, (p) => !p.namespacePrefix),
  );
  if (names.length === 0) return { files: [], refused: badNames };
  try {
    const result = await retrieveInMemory(conn, [{ members: names, name: CONNECTED_APP }], options);
    const { readRetrievedZip } = await import('./retrieved-zip.js');
    const zip = await readRetrievedZip(String(result.zipFile ?? ''), connectedAppOfFile);
    const files = zip.files
      .filter((z) => names.includes(z.fullName))
      .map((z) =>
        readContent(
          {
            fullPath: '',
            path: `${conn.getUsername() ?? 'org'}: connectedApps/${z.entry.split('/').pop()}`,
            kind: 'connectedApp',
            fullName: z.fullName,
            form: z.form,
            forceIgnored: false,
          },
          z.bytes,
        ),
      );
    const found = new Set(files.map((f) => f.fullName));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length)
      throw messages.createError('error.ConnectedAppNotInOrg', [conn.getUsername() ?? '', missing.join(', ')]);
    return {
      files: files.sort((a, b) => a.fullName.localeCompare(b.fullName)),
      refused: [...badNames, ...zip.refused.map((r) => r.entry)],
    };
  } catch (error) {
    throw orgError(error, conn);
  }
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
  if (
    error instanceof SfError &&
    ['AppNotInOrgError', 'ConnectedAppNotInOrgError', 'RetrieveFailedError'].includes(error.name)
  ) {
    return error;
  }
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

/** Deploys exactly the given files, from memory (nothing is written anywhere), and waits for the result. */
export async function deployFiles(
  conn: Connection,
  files: DeployFile[],
  options: Omit<RetrieveOptions, 'apps'>,
): Promise<DeployOutcome> {
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const { Duration } = await import('@salesforce/kit');
  try {
    const tree = await memoryTree(DEPLOY_ROOT, files);
    const components = ComponentSet.fromSource({ fsPaths: [DEPLOY_ROOT], tree });
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
  }
}

/** Where the deployed files seem to be: a folder that exists only in the tree below. */
const DEPLOY_ROOT = join(sep, 'eca-deploy');

/**
 * The files as SDR's in-memory source tree. SDR's own VirtualTreeContainer leaves `stream` unimplemented, and the
 * deploy builds its zip (in memory too) from streams, so the subclass gives it one over the bytes it holds.
 */
async function memoryTree(root: string, files: DeployFile[]): Promise<TreeContainer> {
  const { VirtualTreeContainer } = await import('@salesforce/source-deploy-retrieve');
  class MemoryTree extends VirtualTreeContainer {
    public override stream(fsPath: string): Readable {
      return Readable.from(this.readFileSync(fsPath));
    }
  }
  // each folder with its children (files with their bytes, folders by name), up to the root
  const folders = new Map<string, VirtualDirectory['children']>([[root, []]]);
  for (const file of files) {
    let child: VirtualDirectory['children'][number] = { name: basename(file.relativePath), data: file.bytes };
    for (let dir = dirname(join(root, file.relativePath)); ; dir = dirname(dir)) {
      const known = folders.has(dir);
      if (!known) folders.set(dir, []);
      folders.get(dir)!.push(child);
      if (known) break;
      child = basename(dir);
    }
  }
  return new MemoryTree([...folders].map(([dirPath, children]) => ({ dirPath, children })));
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
