import { isDeveloperName } from './names.js';

/**
 * A retrieve zip, read in memory: its files hold the global OAuth settings, Connected Apps with their consumer
 * secret and other secrets, so no byte of it is ever written to disk (SDR's retrieve would unzip it into a folder
 * first). jszip is the library SDR itself uses for these zips. The one reader for every retrieve: each caller says,
 * by a classifier of file names, which entries it keeps. Entries that climb out of the zip (`..`, absolute paths,
 * backslashes) or whose names break the Metadata API's developer-name rule are left out and named, never used as
 * file names.
 */

/** What a caller makes of a file name (`Acme.eca`, `Acme.connectedApp`), or undefined for a file it does not keep. */
export type EntryClassifier<T extends { fullName: string }> = (fileName: string) => T | undefined;

export type ZipFile<T> = T & { entry: string; bytes: Buffer };
export type RefusedEntry = { entry: string; reason: 'path' | 'name' };

export type RetrievedZip<T> = { files: Array<ZipFile<T>>; refused: RefusedEntry[] };

function climbsOut(entry: string): boolean {
  return entry.startsWith('/') || entry.includes('\\') || /^[A-Za-z]:/.test(entry) || entry.split('/').includes('..');
}

export async function readRetrievedZip<T extends { fullName: string }>(
  zipBase64: string,
  classify: EntryClassifier<T>,
): Promise<RetrievedZip<T>> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(Buffer.from(zipBase64, 'base64'), { checkCRC32: true });
  const files: Array<ZipFile<T>> = [];
  const refused: RefusedEntry[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    // jszip resolves `..` in entry.name; the name as the zip holds it is what shows a climbing entry
    const original = (entry as { unsafeOriginalName?: string }).unsafeOriginalName ?? entry.name;
    if (climbsOut(original)) {
      refused.push({ entry: original, reason: 'path' });
      continue;
    }
    const kept = classify(entry.name.split('/').pop() ?? '');
    if (!kept) continue;
    if (!kept.fullName.split('.').every(isDeveloperName)) {
      refused.push({ entry: entry.name, reason: 'name' });
      continue;
    }
    files.push({ ...kept, entry: entry.name, bytes: await entry.async('nodebuffer') });
  }
  return { files, refused };
}
