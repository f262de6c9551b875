import { projectPath } from '../project.js';
import { EVERY_SCOPE, Rule, finding } from './rule.js';

/**
 * What the project's folders themselves do wrong: a link loop, a folder or file that cannot be read, a name with
 * control characters. Each fails the gate ("could not read"): whatever an unreadable folder of a package directory
 * holds (a Connected App with its consumer secret) would go into a package version unseen.
 */

export const pathUnreadable: Rule = {
  id: 'path-unreadable',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog) =>
    (catalog.pathProblems ?? []).map((p) => {
      const path = projectPath(catalog.project, p.fullPath);
      // an error wherever it is: what cannot be read cannot be vouched for (a package directory may link to it)
      return { ...finding(pathUnreadable, p.kind, { line: undefined }, [path, p.code ?? '']), file: path };
    }),
};

export const FILESYSTEM_RULES: Rule[] = [pathUnreadable];
