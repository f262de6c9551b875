import { Catalog, CatalogFile } from '../catalog.js';
import { PRIVATE_KEY_BLOCK, secretElements } from '../secrets.js';
import { child, childText, lineOfOffset } from '../xml.js';
import { Rule, finding } from './rule.js';

/** Secrets committed to the project. The secret values themselves never reach a finding. */

function metadataTypeOf(file: CatalogFile): string | undefined {
  return file.kind === 'connectedApp' ? 'ConnectedApp' : file.type?.name;
}

export const secretInSource: Rule = {
  id: 'secret-in-source',
  severity: 'error',
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc) return [];
      // a private key inside a value is the private-key rule's finding
      return secretElements(f.doc.root, metadataTypeOf(f))
        .filter((s) => s.kind !== 'private key')
        .map(({ element }) => finding(secretInSource, 'value', { file: f, element }, [element.name]));
    }),
};

export const privateKey: Rule = {
  id: 'private-key',
  severity: 'error',
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      const text = f.decoded?.text;
      const match = text ? PRIVATE_KEY_BLOCK.exec(text) : null;
      if (!match || !text) return [];
      return [finding(privateKey, 'found', { file: f, line: lineOfOffset(text, match.index) })];
    }),
};

export const rotationFlag: Rule = {
  id: 'rotation-flag',
  severity: 'error',
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc || f.kind !== 'eca') return [];
      return ['shouldRotateConsumerKey', 'shouldRotateConsumerSecret']
        .filter((name) => childText(f.doc!.root, name) === 'true')
        .map((name) => finding(rotationFlag, 'on', { file: f, element: child(f.doc!.root, name) }, [name]));
    }),
};

export const SECRET_RULES: Rule[] = [secretInSource, privateKey, rotationFlag];
