import { Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile, stat, open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { APP_LINK_ELEMENT, EcaType, FileForm, connectedAppOfFile, isConnectedAppFile, typeOfFile } from './family.js';
import type { ForceIgnoreLine } from './forceignore.js';
import { PackageDir, Project, packageDirOf, projectPath } from './project.js';
import { rememberSecrets, rememberSecretsOf } from './redact.js';
import { SCANNED_FILE, scanText, type ScanHit } from './secret-scan.js';
import { hasUnprintable } from './names.js';
import { DecodedFile, XmlDocument, XmlReadError, childText, decodeFile, parseXml } from './xml.js';

/**
 * Discovery: every file of the ECA family in the project, wherever it sits (standard, nested, flat or oddly
 * named folders, inside or outside package directories), read once and grouped into apps by the element that
 * links a plugin file to its header. Only ECA, ConnectedApp and key files are read, so the cost follows them and
 * not the size of the project.
 */

export type CatalogFile = {
  fullPath: string;
  /** project-relative, forward slashes */
  path: string;
  /** undefined for ConnectedApp and key files, which only the secret rules read */
  type?: EcaType;
  kind: 'eca' | 'connectedApp' | 'key';
  fullName: string;
  form: FileForm;
  packageDir?: PackageDir;
  /** true when the project's .forceignore keeps the file out of deploys and package versions */
  forceIgnored: boolean;
  decoded?: DecodedFile;
  doc?: XmlDocument;
  readError?: { message: string; line?: number; column?: number };
  /** the app the file belongs to: a header's own name, a plugin file's externalClientApplication */
  app?: string;
};

export type App = { name: string; headers: CatalogFile[]; plugins: CatalogFile[] };

export type Catalog = {
  project: Project;
  files: CatalogFile[];
  apps: Map<string, App>;
  /** SDR's .forceignore verdict for any path, including files that do not exist yet */
  denies: (fullPath: string) => boolean;
  /** paths the walk could not follow or read, reported as findings instead of crashing or passing silently */
  pathProblems?: PathProblem[];
  /** what the project-wide secrets scan found in files that are not metadata (values kept only for redaction) */
  scanned?: Array<{ fullPath: string; hits: ScanHit[] }>;
  /** the .forceignore line that hides a path the verdict denies */
  hiddenBy?: (fullPath: string) => ForceIgnoreLine | undefined;
};

/** loop: symbolic links that lead back to themselves; unreadable: a folder or file the user may not read. */
export type PathProblem = { fullPath: string; kind: 'loop' | 'unreadable' | 'controlChars'; code?: string };

export type CatalogOptions = {
  /** limit discovery to these folders (absolute); default: the whole project */
  sourceDirs?: string[];
  denies: (fullPath: string) => boolean;
  hiddenBy?: (fullPath: string) => ForceIgnoreLine | undefined;
};

/**
 * Where a file stands with a package version built from the project: every rule states which of these it judges
 * (`Rule.judges`), and every finding on a file says which applies.
 * - `package`: in a package directory and not force-ignored: the version carries it;
 * - `hidden`: in a package directory, but a .forceignore line keeps it out of the version (and out of deploys);
 * - `outside`: in no package directory (a source-org folder, a retrieve or deploy folder, scripts).
 */
export type Scope = 'package' | 'hidden' | 'outside';

export function scopeOf(file: Pick<CatalogFile, 'packageDir' | 'forceIgnored'>): Scope {
  if (file.packageDir === undefined) return 'outside';
  return file.forceIgnored ? 'hidden' : 'package';
}

const SKIPPED_DIRS = new Set(['node_modules', 'bower_components']);
const KEY_FILE = /\.(key|pem)$/i;
const MAX_KEY_FILE_BYTES = 256 * 1024;

type Candidate = { fullPath: string; name: string };

/**
 * Depth first, with synchronous listings: for a one-shot command this is the fastest walk and the lightest on
 * memory (measured on 20,000 files: 27 ms and 4 MB, against 160 ms and 13 MB for a streamed async walk).
 * Symbolic links are followed once; a loop ends at a folder already seen.
 */
function walk(
  root: string,
  visited: Set<string>,
  out: Candidate[],
  problems: PathProblem[],
  scan: Candidate[] = [],
): void {
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(dir);
      if (visited.has(real)) continue;
      visited.add(real);
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ fullPath: dir, kind: code === 'ELOOP' ? 'loop' : 'unreadable', code });
      continue;
    }
    for (const entry of entries) {
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (hasUnprintable(entry.name)) problems.push({ fullPath: join(dir, entry.name), kind: 'controlChars' });
      if (entry.isSymbolicLink()) {
        let target;
        try {
          target = statSync(join(dir, entry.name), { throwIfNoEntry: false });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          problems.push({ fullPath: join(dir, entry.name), kind: code === 'ELOOP' ? 'loop' : 'unreadable', code });
        }
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) pending.push(join(dir, entry.name));
      } else if (isFile) {
        // a metadata-format .connectedApp is both: metadata when it parses, scanned lines when it does not
        if (SCANNED_FILE.test(entry.name) && !KEY_FILE.test(entry.name)) {
          scan.push({ fullPath: join(dir, entry.name), name: entry.name });
        }
        if (typeOfFile(entry.name) || isConnectedAppFile(entry.name) || KEY_FILE.test(entry.name)) {
          out.push({ fullPath: join(dir, entry.name), name: entry.name });
        }
      }
    }
  }
}

async function readCandidate(project: Project, candidate: Candidate, options: CatalogOptions): Promise<CatalogFile> {
  try {
    if (KEY_FILE.test(candidate.name) && (await stat(candidate.fullPath)).size > MAX_KEY_FILE_BYTES) {
      // a key file of any size is judged by its start, where a PEM or PGP block begins
      const handle = await open(candidate.fullPath, 'r');
      try {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(MAX_KEY_FILE_BYTES), 0, MAX_KEY_FILE_BYTES, 0);
        const head = buffer.subarray(0, bytesRead);
        return catalogFile(project, candidate.fullPath, head.subarray(0, head.lastIndexOf(10) + 1), options.denies);
      } finally {
        await handle.close();
      }
    }
    return catalogFile(project, candidate.fullPath, await readFile(candidate.fullPath), options.denies);
  } catch (error) {
    const file = catalogFile(project, candidate.fullPath, undefined, options.denies);
    if (file.kind !== 'key')
      file.readError = { message: `the file cannot be read (${(error as { code?: string }).code ?? String(error)})` };
    return file;
  }
}

/** One file of the catalog from its bytes (read from disk, or planned by a command that has not written yet). */
export function catalogFile(
  project: Project,
  fullPath: string,
  bytes: Uint8Array | undefined,
  denies: (fullPath: string) => boolean,
): CatalogFile {
  const name = basename(fullPath);
  const typed = typeOfFile(name);
  const connectedApp = typed ? undefined : connectedAppOfFile(name);
  const kind = typed ? 'eca' : connectedApp ? 'connectedApp' : 'key';
  const file: CatalogFile = {
    fullPath,
    path: projectPath(project, fullPath),
    type: typed?.type,
    kind,
    fullName: typed?.fullName ?? connectedApp?.fullName ?? name,
    form: typed?.form ?? connectedApp?.form ?? 'source',
    packageDir: packageDirOf(project, fullPath),
    forceIgnored: denies(fullPath),
  };
  return bytes ? readContent(file, bytes, project.namespace) : file;
}

/** The org id a metadata-format retrieve puts before a header's name (`00D…:App.eca`). */
const ORG_PREFIX = /^00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?:/;

/**
 * The app a reference means in a project with `namespace`: a header's file name without the org prefix of a
 * metadata-format retrieve, a plugin's externalClientApplication without the project's own namespace prefix (files
 * retrieved from a namespaced org write `ns__App`). A reference in another namespace stays as written.
 */
export function localAppName(reference: string, namespace?: string): string {
  const name = reference.replace(ORG_PREFIX, '');
  return namespace && name.startsWith(`${namespace}__`) ? name.slice(namespace.length + 2) : name;
}

/** The namespace prefix of an app reference (`ns__App` → `ns`), if it has one. */
export function namespaceOf(reference: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9]*)__[A-Za-z]/.exec(reference)?.[1];
}

/** Decodes and parses a file's bytes into it and finds its app; content that cannot be used becomes `readError`. */
export function readContent(file: CatalogFile, bytes: Uint8Array, namespace?: string): CatalogFile {
  try {
    file.decoded = decodeFile(bytes);
    if (file.kind !== 'key') file.doc = parseXml(file.decoded.text);
  } catch (error) {
    if (file.decoded) rememberSecretsOf(file.decoded.text);
    if (file.kind === 'key') return file;
    const e = error as XmlReadError;
    file.readError = { message: e.message, line: e.line, column: e.column };
    return file;
  }
  // every secret read is known to the redaction of all output, even if no rule ever looks at this file
  rememberSecretsOf(file.decoded.text, file.doc, file.kind === 'connectedApp' ? 'ConnectedApp' : file.type?.name);
  if (file.type && file.doc) {
    const reference = file.type.role === 'header' ? file.fullName : childText(file.doc.root, APP_LINK_ELEMENT);
    file.app = reference ? localAppName(reference, namespace) : undefined;
  }
  return file;
}

/**
 * The apps whose header is in a package directory, readable, in source format: what the commands work on by
 * default.
 */
export function appsInPackageDirs(catalog: Catalog): string[] {
  return [...catalog.apps.values()].filter((a) => a.headers.some(isPackageSource)).map((a) => a.name);
}

export async function buildCatalog(project: Project, options: CatalogOptions): Promise<Catalog> {
  const roots = options.sourceDirs?.length ? options.sourceDirs.map((d) => resolve(d)) : [project.root];
  const candidates: Candidate[] = [];
  const visited = new Set<string>();
  const pathProblems: PathProblem[] = [];
  const toScan: Candidate[] = [];
  for (const root of roots) walk(root, visited, candidates, pathProblems, toScan);
  const scanned = await mapLimited(toScan, READ_CONCURRENCY, async (c) => {
    const text = await readFile(c.fullPath, 'utf8').catch(() => '');
    const hits = scanText(text);
    rememberSecrets(hits.flatMap((h) => (h.kind === 'value' && h.value ? [h.value] : [])));
    // the values stay with the redaction only
    return { fullPath: c.fullPath, hits: hits.map((h) => ({ line: h.line, kind: h.kind, name: h.name })) };
  });
  const files = await mapLimited(candidates, READ_CONCURRENCY, (c) => readCandidate(project, c, options));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return {
    project,
    files,
    apps: groupIntoApps(files),
    denies: options.denies,
    hiddenBy: options.hiddenBy,
    pathProblems,
    scanned: scanned.filter((s) => s.hits.length),
  };
}

/** A few files in flight at a time: enough to overlap disk waits, few enough to keep peak memory flat. */
const READ_CONCURRENCY = 8;

async function mapLimited<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function groupIntoApps(files: CatalogFile[]): Map<string, App> {
  const apps = new Map<string, App>();
  for (const file of files) {
    if (file.kind !== 'eca' || !file.app) continue;
    const app = apps.get(file.app) ?? { name: file.app, headers: [], plugins: [] };
    (file.type?.role === 'header' ? app.headers : app.plugins).push(file);
    apps.set(file.app, app);
  }
  return new Map([...apps.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The project's own editable copy of a file: readable, in source format, in a package directory. */
export function isPackageSource(file: CatalogFile): boolean {
  return file.packageDir !== undefined && file.doc !== undefined && file.form === 'source';
}

/**
 * The component a file defines, `<type>:<name>`, the name without the org prefix of a metadata-format retrieve: a
 * metadata-format copy (`X.ecaOauth`, `00D…:App.eca`) and its source-format twin define the same component.
 */
export function componentKey(file: Pick<CatalogFile, 'type' | 'fullName'>): string {
  return `${file.type?.name}:${componentName(file.fullName)}`;
}

/** A component's name without the org prefix a metadata-format retrieve may put before it. */
export function componentName(fullName: string): string {
  return fullName.replace(ORG_PREFIX, '');
}

/**
 * The files without the metadata-format copies (`X.ecaOauth` beside `X.ecaOauth-meta.xml`) whose source-format twin
 * is also in the list: a rule that judges settings reports each setting once, on the file a person edits.
 */
export function withoutMdapiTwins(files: CatalogFile[]): CatalogFile[] {
  const sources = new Set(files.filter((f) => f.form === 'source').map(componentKey));
  return files.filter((f) => f.form === 'source' || !sources.has(componentKey(f)));
}

/**
 * The metadata-format copies among `files` whose source-format twin stands in the same package directory: the one
 * package build that reads both (SDR resolves the copy as a second source of the same component).
 */
export function mdapiCopiesBesideTwin(files: CatalogFile[]): Set<CatalogFile> {
  const key = (f: CatalogFile): string => `${f.packageDir?.fullPath ?? ''}|${componentKey(f)}`;
  const sources = new Set(files.filter((f) => f.form === 'source').map(key));
  return new Set(files.filter((f) => f.form === 'mdapi' && sources.has(key(f))));
}

/** Files that a package version built from the project would carry: in a package directory, not force-ignored. */
export function entersPackage(file: CatalogFile): boolean {
  return scopeOf(file) === 'package';
}

/** The trimmed text of an element of a readable file; undefined when the file, the element or its text is absent. */
export function elementText(file: CatalogFile | undefined, element: string): string | undefined {
  return (file?.doc ? childText(file.doc.root, element) : undefined) || undefined;
}
