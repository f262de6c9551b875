import { packageDirOf, projectPath } from '../project.js';
import { Rule, finding } from './rule.js';

/**
 * What the project's folders themselves do wrong: a link loop, a folder or file that cannot be read, a name with
 * control characters. Inside a package directory an unreadable path fails the gate ("could not read"): whatever it
 * holds (a Connected App with its consumer secret) would go into a package version unseen.
 */

export const pathUnreadable: Rule = {
  id: 'path-unreadable',
  severity: 'error',
  check: (catalog) =>
    (catalog.pathProblems ?? []).map((p) => {
      const path = projectPath(catalog.project, p.fullPath);
      const inPackage = packageDirOf(catalog.project, p.fullPath) !== undefined;
      const found = finding(pathUnreadable, p.kind, { line: undefined }, [path, p.code ?? '']);
      // outside every package directory nothing of it is packaged: a warning, so the gate can still pass
      return { ...found, file: path, severity: inPackage || p.kind === 'controlChars' ? found.severity : 'warning' };
    }),
};

export const FILESYSTEM_RULES: Rule[] = [pathUnreadable];
