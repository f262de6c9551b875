import type { CatalogFile } from './catalog.js';
import { HEADER_TYPE, OAUTH_SETTINGS_TYPE } from './family.js';
import { elementText } from './catalog.js';
import { orgScopedProblem, to15 } from './ids.js';
import { insertionAnchor } from './schema.js';
import { XmlEdit, applyEdits, child, encodeFile, insertChild, replaceText } from './xml.js';

/**
 * The few element changes that make an app packageable, as splices of the original text: every byte outside
 * the changed elements stays as it was. Shared by prepare and link-scratch.
 */

/** `changed`: every element written; `added`: those of them the file did not have. */
export type Rewrite = { bytes: Buffer; changed: string[]; added: string[] };

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
  if (elementText(file, name) === value) return;
  edits.push(
    existing
      ? replaceText(existing, value)
      : insertChild(doc, doc.root, insertionAnchor(typeName, doc.root, name), name, value),
  );
  changed.push(name);
}

function finish(file: CatalogFile, edits: XmlEdit[], changed: string[]): Rewrite {
  const text = applyEdits(file.doc!.text, edits);
  const added = changed.filter((name) => !child(file.doc!.root, name));
  return { bytes: encodeFile({ text, bom: file.decoded!.bom }), changed, added };
}

/** What a rewrite did, in the words the change table and the JSON result use: `added oauthLink; changed label`. */
export function describeRewrite(rewrite: Pick<Rewrite, 'changed' | 'added'>): string {
  const replaced = rewrite.changed.filter((name) => !rewrite.added.includes(name));
  return [
    rewrite.added.length ? `added ${rewrite.added.join(', ')}` : '',
    replaced.length ? `changed ${replaced.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * distributionState Packaged, and orgScopedExternalApp <Dev Hub>:<app> when missing, a placeholder or another
 * org's.
 */
export function packageHeader(header: CatalogFile, devHubOrgId: string | undefined): Rewrite {
  const edits: XmlEdit[] = [];
  const changed: string[] = [];
  setElement(header, HEADER_TYPE, 'distributionState', 'Packaged', edits, changed);
  if (devHubOrgId) {
    const current = elementText(header, 'orgScopedExternalApp');
    if (orgScopedProblem(current, header.fullName, devHubOrgId)) {
      setElement(
        header,
        HEADER_TYPE,
        'orgScopedExternalApp',
        `${to15(devHubOrgId)}:${header.fullName}`,
        edits,
        changed,
      );
    }
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
