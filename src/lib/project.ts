import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { lineOfOffset } from './xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

export const PROJECT_FILE = 'sfdx-project.json';

export type PackageDir = {
  /** as written in sfdx-project.json, with forward slashes */
  path: string;
  fullPath: string;
  default: boolean;
};

/** A finding the team has accepted, with the written reason the security review asks for. */
export type Acknowledgement = {
  rule: string;
  app?: string;
  file?: string;
  reason: string;
  /** line of the entry in sfdx-project.json */
  line: number;
};

export type Project = {
  root: string;
  projectFile: string;
  packageDirs: PackageDir[];
  namespace?: string;
  sourceApiVersion?: string;
  acknowledgements: Acknowledgement[];
};

/** Walks up from `start` to the folder that holds sfdx-project.json. */
export function findProjectRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, PROJECT_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw messages.createError('error.NoProject', [resolve(start)]);
    dir = parent;
  }
}

/** V8 quotes up to this many characters on each side of an unexpected token instead of giving its position. */
const JSON_CONTEXT_CHARS = 10;

/**
 * The line of a JSON.parse error; V8 gives a position for most errors, only a quoted context for an unexpected
 * token.
 */
function jsonErrorLine(text: string, detail: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(detail)?.[1];
  if (line) return Number(line);
  const position = /position (\d+)/.exec(detail)?.[1];
  if (position) return lineOfOffset(text, Number(position));
  if (/Unexpected end of JSON input/.test(detail)) return lineOfOffset(text, text.trimEnd().length);
  const token = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(detail);
  const at = token ? text.indexOf(token[3]) : -1;
  if (token && at >= 0)
    return lineOfOffset(text, at + (token[2] ? JSON_CONTEXT_CHARS : Math.max(0, token[3].indexOf(token[1]))));
  return 1;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const line = String(jsonErrorLine(text, detail));
    // the quoted context spans lines and adds nothing once the line is known
    const reason = detail.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '').replace(/^.*?: /, '');
    throw messages.createError('error.BrokenProjectFile', [file, line, reason]);
  }
}

type RawProject = {
  packageDirectories?: Array<{ path?: unknown; default?: unknown }>;
  namespace?: unknown;
  sourceApiVersion?: unknown;
  plugins?: { eca?: { acknowledgements?: unknown } };
};

export async function loadProject(root: string): Promise<Project> {
  const projectFile = join(root, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(projectFile, 'utf8');
  } catch (error) {
    throw messages.createError('error.UnreadableProjectFile', [projectFile, (error as Error).message]);
  }
  const raw = parseJson(text.replace(/^\uFEFF/, ''), projectFile) as RawProject;
  if (
    typeof raw !== 'object' ||
    raw === null ||
    !Array.isArray(raw.packageDirectories) ||
    raw.packageDirectories.length === 0
  ) {
    throw messages.createError('error.NoPackageDirectories', [projectFile]);
  }
  const packageDirs = raw.packageDirectories.map((entry, index) => {
    if (typeof entry?.path !== 'string' || entry.path.trim() === '') {
      throw messages.createError('error.BadPackageDirectory', [projectFile, String(index + 1)]);
    }
    const path = entry.path.replace(/\\/g, '/').replace(/\/+$/, '');
    return { path, fullPath: resolve(root, path), default: entry.default === true };
  });
  if (!packageDirs.some((d) => d.default)) packageDirs[0].default = true;
  return {
    root,
    projectFile,
    packageDirs,
    namespace: typeof raw.namespace === 'string' && raw.namespace !== '' ? raw.namespace : undefined,
    sourceApiVersion: typeof raw.sourceApiVersion === 'string' ? raw.sourceApiVersion : undefined,
    acknowledgements: readAcknowledgements(raw, text, projectFile),
  };
}

function readAcknowledgements(raw: RawProject, text: string, projectFile: string): Acknowledgement[] {
  const entries = raw.plugins?.eca?.acknowledgements;
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) throw messages.createError('error.BadAcknowledgements', [projectFile]);
  let searchFrom = text.indexOf('"acknowledgements"');
  return entries.map((entry: Record<string, unknown>, index) => {
    const at = text.indexOf('"rule"', searchFrom + 1);
    searchFrom = at < 0 ? searchFrom : at;
    if (typeof entry?.rule !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw messages.createError('error.BadAcknowledgement', [projectFile, String(index + 1)]);
    }
    return {
      rule: entry.rule,
      app: typeof entry.app === 'string' ? entry.app : undefined,
      file: typeof entry.file === 'string' ? entry.file.replace(/\\/g, '/') : undefined,
      reason: entry.reason.trim(),
      line: at < 0 ? 1 : lineOfOffset(text, at),
    };
  });
}

/** The package directory that holds `fullPath`, if any. */
export function packageDirOf(project: Project, fullPath: string): PackageDir | undefined {
  return project.packageDirs.find((d) => fullPath === d.fullPath || fullPath.startsWith(d.fullPath + sep));
}

export function defaultPackageDir(project: Project): PackageDir {
  return project.packageDirs.find((d) => d.default) ?? project.packageDirs[0];
}

/** Project-relative path with forward slashes, the form every report and acknowledgement uses. */
export function projectPath(project: Project, fullPath: string): string {
  return relative(project.root, fullPath).split(sep).join('/');
}
