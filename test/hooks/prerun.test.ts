/*
 * The prerun hook: it fires for package version create however sf spells it, and costs nothing elsewhere (the
 * built hook module, run for another command, loads no module at all beyond itself).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPackageVersionCreate } from '../../src/hooks/prerun.js';
import { REPO } from '../fixtures/fixtures.js';

describe('isPackageVersionCreate', () => {
  it('matches the command by its id or its alias, with any topic separator', () => {
    expect(isPackageVersionCreate({ id: 'package:version:create', aliases: ['force:package:version:create'] })).toBe(
      true,
    );
    expect(isPackageVersionCreate({ id: 'force:package:version:create' })).toBe(true);
    expect(isPackageVersionCreate({ id: 'package version create' })).toBe(true);
    expect(isPackageVersionCreate({ id: 'whatever', aliases: ['force:package:version:create'] })).toBe(true);
  });

  it('leaves every other command alone', () => {
    expect(isPackageVersionCreate({ id: 'package:version:list' })).toBe(false);
    expect(isPackageVersionCreate({ id: 'package:create' })).toBe(false);
    expect(isPackageVersionCreate({ id: 'eca:check' })).toBe(false);
    expect(isPackageVersionCreate({})).toBe(false);
  });
});

/** Runs the built hook for one command in a fresh Node and lists every module it loaded after itself. */
function modulesLoadedFor(commandId: string, env: NodeJS.ProcessEnv = {}): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
    const hook = (await import(${JSON.stringify(join(REPO, 'lib', 'hooks', 'prerun.js'))})).default;
    const before = loaded.length;
    await hook.call({}, { Command: { id: ${JSON.stringify(commandId)}, name: 'X', flags: {} }, argv: ['--help-not-used'], config: {} })
      .catch(() => undefined);
    console.log(JSON.stringify(loaded.slice(before)));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(REPO, 'examples', 'acme-isv'),
    encoding: 'utf8',
    env: { ...process.env, SF_ECA_SKIP_GATE: '', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
}

describe('cost of the hook', () => {
  it('loads nothing for an unrelated command', () => {
    expect(modulesLoadedFor('org:list')).toEqual([]);
  });

  it('loads the gate, and with it the plugin libraries, only for package version create', () => {
    const loaded = modulesLoadedFor('package:version:create');
    expect(loaded.some((url) => url.endsWith('/lib/lib/gate-hook.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/@salesforce/core/'))).toBe(true);
    // the gate needs no command framework: sf-plugins-core alone costs more than half a second to load
    expect(loaded.filter((url) => url.includes('/@salesforce/sf-plugins-core/'))).toEqual([]);
  });

  it('loads only its messages when the gate is skipped', () => {
    const loaded = modulesLoadedFor('package:version:create', { SF_ECA_SKIP_GATE: 'true' });
    expect(loaded.some((url) => url.endsWith('/lib/lib/gate-hook.js'))).toBe(true);
    expect(loaded.filter((url) => /\/lib\/lib\/(gate|catalog|rules\/index)\.js$/.test(url))).toEqual([]);
  });
});
