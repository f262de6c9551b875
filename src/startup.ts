/*
 * How a command starts fast. The plugin's own copies of @oclif/core, @salesforce/core and sf-plugins-core are
 * compiled by V8 on every run, and an ESM import graph is parsed before any of its code runs: enabling Node's
 * compile cache in a command module that imports them statically comes too late. So oclif loads a launcher
 * (src/launchers/<topic>/<command>.ts) that imports nothing heavy, enables the cache, then imports the real
 * command class and hands it to oclif unchanged (flags, help and the manifest come from that class).
 *
 * The cache holds compiled code only, never data the commands read or print. It lives in Node's default
 * folder (os.tmpdir()/node-compile-cache, or $NODE_COMPILE_CACHE), outside any project; NODE_DISABLE_COMPILE_CACHE=1
 * turns it off. Enabling it is harmless when sf or the user already did.
 */
import { enableCompileCache } from 'node:module';

/** Enables the compile cache, then loads the command module and returns its default export (the command class). */
export async function launch<T>(load: () => Promise<{ default: T }>): Promise<T> {
  enableCompileCache();
  return (await load()).default;
}
