import { Catalog, CatalogFile } from '../catalog.js';
import { PRIVATE_KEY_BLOCK, secretElements } from '../secrets.js';
import { isPlaceholder } from '../secret-scan.js';
import { projectPath } from '../project.js';
import { child, childText, lineOfOffset } from '../xml.js';
import { Rule, finding, EVERY_SCOPE } from './rule.js';

/** Secrets committed to the project. The secret values themselves never reach a finding. */

function metadataTypeOf(file: CatalogFile): string | undefined {
  return file.kind === 'connectedApp' ? 'ConnectedApp' : file.type?.name;
}

export const secretInSource: Rule = {
  id: 'secret-in-source',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc) return [];
      // a private key inside a value is the private-key rule's finding
      return secretElements(f.doc.root, metadataTypeOf(f))
        .filter((s) => s.kind !== 'private key' && !isPlaceholder(s.element.text))
        .map(({ element }) => finding(secretInSource, 'value', { file: f, element }, [element.name]));
    }),
};

export const privateKey: Rule = {
  id: 'private-key',
  severity: 'error',
  judges: EVERY_SCOPE,
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
  judges: EVERY_SCOPE,
  check: (catalog: Catalog) =>
    catalog.files.flatMap((f) => {
      if (!f.doc || f.kind !== 'eca') return [];
      return ['shouldRotateConsumerKey', 'shouldRotateConsumerSecret']
        .filter((name) => childText(f.doc!.root, name) === 'true')
        .map((name) => finding(rotationFlag, 'on', { file: f, element: child(f.doc!.root, name) }, [name]));
    }),
};

/** Scanned files that are not also judged as parsed metadata (a well-formed .connectedApp is secret-in-source's). */
function unparsedScans(catalog: Catalog): NonNullable<Catalog['scanned']> {
  const parsed = new Set(catalog.files.filter((f) => f.doc).map((f) => f.fullPath));
  return (catalog.scanned ?? []).filter((s) => !parsed.has(s.fullPath));
}

/** The project-wide scan of files that are not metadata: .env, JSON, YAML, properties, certificates. */
export const secretInFile: Rule = {
  id: 'secret-in-file',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog) =>
    unparsedScans(catalog).flatMap(({ fullPath, hits }) =>
      hits
        .filter((h) => h.kind !== 'placeholder')
        .map((h) => ({
          ...finding(secretInFile, h.kind, { line: h.line }, [h.name]),
          file: projectPath(catalog.project, fullPath),
        })),
    ),
};

/** Template placeholders where a secret goes ({SECRET}, ${VAR}, changeme): worth a look, never a committed secret. */
export const secretPlaceholder: Rule = {
  id: 'secret-placeholder',
  severity: 'info',
  judges: EVERY_SCOPE,
  check: (catalog) => [
    ...catalog.files.flatMap((f) =>
      f.doc
        ? secretElements(f.doc.root, metadataTypeOf(f))
            .filter((s) => isPlaceholder(s.element.text))
            .map(({ element }) => finding(secretPlaceholder, 'found', { file: f, element }, [element.name]))
        : [],
    ),
    ...unparsedScans(catalog).flatMap(({ fullPath, hits }) =>
      hits
        .filter((h) => h.kind === 'placeholder')
        .map((h) => ({
          ...finding(secretPlaceholder, 'found', { line: h.line }, [h.name]),
          file: projectPath(catalog.project, fullPath),
        })),
    ),
  ],
};

export const SECRET_RULES: Rule[] = [secretInSource, privateKey, secretInFile, secretPlaceholder, rotationFlag];
