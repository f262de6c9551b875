import { ensureBuilt } from './helpers/build.js';

/** The command tests run the built CLI, as a user does: bring the build up to date once, before any test file starts. */
export default function setup(): void {
  ensureBuilt();
}
