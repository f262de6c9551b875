import { isDeveloperName } from './names.js';
import { typeOfFile, type EcaType, type FileForm } from './family.js';

/**
 * The Dev Hub's retrieve zip, read in memory: its files hold the global OAuth settings and other secrets, so no byte
 * of it is ever written to disk (SDR's retrieve would unzip it into a folder first). jszip is the library SDR itself
 * uses for these zips. Entries that are not ECA files, that climb out of the zip (`..`, absolute paths, backslashes)
 * or whose names break the Metadata API's developer-name rule are left out and named, never used as file names.
 */

export type ZipFile = { entry: string; type: EcaType; fullName: string; form: FileForm; bytes: Buffer };
export type RefusedEntry = { entry: string; reason: 'path' | 'name' };

export type RetrievedZip = { files: ZipFile[]; refused: RefusedEntry[] };

function climbsOut(entry: string): boolean {
  return entry.startsWith('/') || entry.includes('\\') || /^[A-Za-z]:/.test(entry) || entry.split('/').includes('..');
}

export async function readRetrievedZip(zipBase64: string): Promise<RetrievedZip> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(Buffer.from(zipBase64, 'base64'), { checkCRC32: true });
  const files: ZipFile[] = [];
  const refused: RefusedEntry[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    // jszip resolves `..` in entry.name; the name as the zip holds it is what shows a climbing entry
    const original = (entry as { unsafeOriginalName?: string }).unsafeOriginalName ?? entry.name;
    if (climbsOut(original)) {
      refused.push({ entry: original, reason: 'path' });
      continue;
    }
    const typed = typeOfFile(entry.name.split('/').pop() ?? '');
    if (!typed) continue;
    if (!typed.fullName.split('.').every(isDeveloperName)) {
      refused.push({ entry: entry.name, reason: 'name' });
      continue;
    }
    files.push({ entry: entry.name, ...typed, bytes: await entry.async('nodebuffer') });
  }
  return { files, refused };
}
