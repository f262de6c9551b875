import type { CatalogFile } from './catalog.js';
import { HEADER_TYPE, OAUTH_SETTINGS_TYPE } from './family.js';
import { isOrgId, isPlaceholder, sameId, splitPair, to15 } from './ids.js';
import { insertionAnchor } from './schema.js';
import { XmlEdit, applyEdits, child, encodeFile, insertChild, replaceText } from './xml.js';

/**
 * The few element changes that make an app packageable, as splices of the original text: every byte outside
 * the changed elements stays as it was. Shared by prepare and link-scratch.
 */

export type Rewrite = { bytes: Buffer; changed: string[] };

function setElement(
  file: CatalogFile,
  typeName: string,
  name: string,
  value: string,
  edits: XmlEdit[],
  changed: string[],
): void {
  const doc = file.doc!;
  const existing = child(doc.root, name);
  if (existing?.text.trim() === value) return;
  edits.push(
    existing
      ? replaceText(existing, value)
      : insertChild(doc, doc.root, insertionAnchor(typeName, doc.root, name), name, value),
  );
  changed.push(name);
}

function finish(file: CatalogFile, edits: XmlEdit[], changed: string[]): Rewrite {
  const text = applyEdits(file.doc!.text, edits);
  return { bytes: encodeFile({ text, bom: file.decoded!.bom }), changed };
}

/** The value orgScopedExternalApp must have, or undefined when the current one is already right. */
export function wantedOrgScopedApp(
  current: string | undefined,
  devHubOrgId: string,
  appName: string,
): string | undefined {
  const pair = current ? splitPair(current) : undefined;
  const right =
    pair && !isPlaceholder(current!) && isOrgId(pair.left) && pair.right === appName && sameId(pair.left, devHubOrgId);
  return right ? undefined : `${to15(devHubOrgId)}:${appName}`;
}

/** distributionState Packaged, and orgScopedExternalApp <Dev Hub>:<app> when missing, a placeholder or another org's. */
export function packageHeader(header: CatalogFile, devHubOrgId: string | undefined): Rewrite {
  const edits: XmlEdit[] = [];
  const changed: string[] = [];
  setElement(header, HEADER_TYPE, 'distributionState', 'Packaged', edits, changed);
  if (devHubOrgId) {
    const current = child(header.doc!.root, 'orgScopedExternalApp')?.text.trim();
    const wanted = wantedOrgScopedApp(current, devHubOrgId, header.fullName);
    if (wanted) setElement(header, HEADER_TYPE, 'orgScopedExternalApp', wanted, edits, changed);
  }
  return finish(header, edits, changed);
}

/** oauthLink set to the value the Dev Hub holds, copied verbatim. */
export function linkOauthSettings(settings: CatalogFile, oauthLink: string): Rewrite {
  const edits: XmlEdit[] = [];
  const changed: string[] = [];
  setElement(settings, OAUTH_SETTINGS_TYPE, 'oauthLink', oauthLink, edits, changed);
  return finish(settings, edits, changed);
}
