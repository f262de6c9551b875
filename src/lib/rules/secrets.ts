import { Catalog, CatalogFile } from '../catalog.js';
import { ecaType } from '../family.js';
import { child, childText, lineOfOffset } from '../xml.js';
import { Rule, finding, EVERY_SCOPE } from './rule.js';

/** Secrets committed to the project. The secret values themselves never reach a finding. */

const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY-----/;
const CONNECTED_APP_SECRETS = ['consumerSecret'];

function secretElementsOf(file: CatalogFile): string[] {
  if (file.kind === 'connectedApp') return CONNECTED_APP_SECRETS;
  return file.type ? ecaType(file.type.name).secretElements : [];
}

/** Secret-bearing elements anywhere below the root (ConnectedApp nests its secret in oauthConfig). */
function findElements(
  root: NonNullable<CatalogFile['doc']>['root'],
  names: string[],
): Array<NonNullable<ReturnType<typeof child>>> {
  const found = [];
  const stack = [root];
  while (stack.length) {
    const el = stack.pop()!;
    if (names.includes(el.name) && el.text.trim() !== '') found.push(el);
    stack.push(...el.children);
  }
  return found.sort((a, b) => a.line - b.line);
}

export const secretInSource: Rule = {
  id: 'secret-in-source',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc) return [];
      return findElements(f.doc.root, secretElementsOf(f)).map((el) =>
        finding(secretInSource, 'value', { file: f, element: el }, [el.name]),
      );
    }),
};

export const privateKey: Rule = {
  id: 'private-key',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      const text = f.decoded?.text;
      const match = text ? PRIVATE_KEY.exec(text) : null;
      if (!match || !text) return [];
      return [finding(privateKey, 'found', { file: f, line: lineOfOffset(text, match.index) })];
    }),
};

export const rotationFlag: Rule = {
  id: 'rotation-flag',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc || f.kind !== 'eca') return [];
      return ['shouldRotateConsumerKey', 'shouldRotateConsumerSecret']
        .filter((name) => childText(f.doc!.root, name) === 'true')
        .map((name) => finding(rotationFlag, 'on', { file: f, element: child(f.doc!.root, name) }, [name]));
    }),
};

export const SECRET_RULES: Rule[] = [secretInSource, privateKey, rotationFlag];
