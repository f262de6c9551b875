import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import type { Catalog, CatalogFile } from '../catalog.js';
import type { HubApp } from '../hub-app.js';
import { ACCESS_TOKEN, PRIVATE_KEY_BLOCK, secretElementsInText, secretValues } from '../secrets.js';

/**
 * The last gate before a review document reaches disk or the terminal: the secret rules run over its text, and a
 * document that holds a secret is refused as a whole (the value is never repeated in the error). Writes are
 * planned first, each file is replaced atomically, and a document whose bytes are already on disk is left alone,
 * so a second run on the same day changes nothing.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.reviewing');

export type ReviewDocument = { fileName: string; content: string };

/** Shortest secret value searched for verbatim; anything shorter would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** Every secret value the project's files and the Dev Hub's retrieved settings hold, to be searched for in the output. */
export function knownSecrets(catalog: Catalog, hubApps?: Map<string, HubApp>): string[] {
  const files: CatalogFile[] = [
    ...catalog.files,
    ...[...(hubApps?.values() ?? [])].flatMap((a) => (a.globalSettings ? [a.globalSettings] : [])),
  ];
  const values = files.flatMap((f) =>
    f.doc ? secretValues(f.doc.root, f.kind === 'connectedApp' ? 'ConnectedApp' : f.type?.name) : [],
  );
  return [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH))];
}

/** What kind of secret a text holds, if any (never the value itself). */
export function secretIn(text: string, secrets: string[]): string | undefined {
  if (PRIVATE_KEY_BLOCK.test(text)) return 'a private key';
  if (secretElementsInText(text).length) return 'a secret element of metadata';
  if (ACCESS_TOKEN.test(text)) return 'an access token';
  if (secrets.some((s) => text.includes(s))) return 'a secret value from the project or the Dev Hub';
  return undefined;
}

/** Throws, naming the document, when any document holds a secret. */
export function assertNoSecret(documents: ReviewDocument[], secrets: string[]): void {
  for (const doc of documents) {
    const kind = secretIn(doc.content, secrets);
    if (kind) throw messages.createError('error.SecretInDocument', [doc.fileName, kind]);
  }
}

export type WrittenDocument = { path: string; state: 'written' | 'unchanged' };

/** The folder the documents go to; never a package directory, where a package version would carry them. */
export function outputFolder(outputDir: string, packageDirs: string[]): string {
  const dir = resolve(outputDir);
  const inside = packageDirs.find((p) => dir === p || dir.startsWith(p + sep));
  if (inside) throw messages.createError('error.InsidePackage', [dir, inside]);
  return dir;
}

export async function writeDocuments(
  outputDir: string,
  documents: ReviewDocument[],
  secrets: string[],
): Promise<WrittenDocument[]> {
  assertNoSecret(documents, secrets);
  const dir = resolve(outputDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw messages.createError('error.CannotWrite', [dir, (error as Error).message]);
  }
  const written: WrittenDocument[] = [];
  for (const doc of documents) {
    const path = join(dir, doc.fileName);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing === doc.content) {
      written.push({ path, state: 'unchanged' });
      continue;
    }
    const staging = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(staging, doc.content, { encoding: 'utf8', flag: 'wx' });
      await rename(staging, path);
    } catch (error) {
      await rm(staging, { force: true });
      throw messages.createError('error.CannotWrite', [path, (error as Error).message]);
    }
    written.push({ path, state: 'written' });
  }
  return written;
}
