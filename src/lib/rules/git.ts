import type { Catalog, CatalogFile } from '../catalog.js';
import { GLOBAL_OAUTH_TYPE } from '../family.js';
import { gitStates, type GitState } from '../git.js';
import { Rule, finding, EVERY_SCOPE } from './rule.js';

/**
 * Global OAuth settings (consumer key, certificate, callback URLs, flow switches) live in the source org and must
 * never be committed, wherever they sit in the project: in a package directory, hidden by .forceignore or outside.
 */

const statesByCatalog = new WeakMap<Catalog, Array<{ file: CatalogFile; state: GitState }>>();

/** Git is asked once per catalog, for its global settings only; nothing outside a git work tree. */
function globalSettingsStates(catalog: Catalog): Array<{ file: CatalogFile; state: GitState }> {
  const cached = statesByCatalog.get(catalog);
  if (cached) return cached;
  const files = catalog.files.filter((f) => f.type?.name === GLOBAL_OAUTH_TYPE);
  const states = gitStates(
    catalog.project.root,
    files.map((f) => f.path),
  );
  const result = states ? files.map((file) => ({ file, state: states.get(file.path)! })) : [];
  statesByCatalog.set(catalog, result);
  return result;
}

export const globalSettingsTracked: Rule = {
  id: 'global-settings-tracked',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog) =>
    globalSettingsStates(catalog)
      .filter((s) => s.state === 'tracked')
      .map(({ file }) => finding(globalSettingsTracked, 'tracked', { file }, [], [file.path])),
};

export const globalSettingsUnignored: Rule = {
  id: 'global-settings-unignored',
  severity: 'warning',
  judges: EVERY_SCOPE,
  check: (catalog) =>
    globalSettingsStates(catalog)
      .filter((s) => s.state === 'untracked')
      .map(({ file }) => finding(globalSettingsUnignored, 'untracked', { file }, [], [file.path])),
};

export const GIT_RULES: Rule[] = [globalSettingsTracked, globalSettingsUnignored];
