/*
 * host-argv.ts: reading --package and --path from sf package version create's argv as oclif's parser would.
 */
import { describe, expect, it } from 'vitest';
import { hostFlagValues, wantsJson, type HostFlags } from '../../src/lib/host-argv.js';

/** The flags of plugin-packaging's package version create that matter here, as its class declares them. */
const FLAGS: HostFlags = {
  package: { char: 'p', type: 'option' },
  path: { char: 'd', type: 'option' },
  'target-dev-hub': { char: 'v', type: 'option', aliases: ['targetdevhubusername', 'target-hub-org'] },
  'code-coverage': { char: 'c', type: 'boolean', aliases: ['codecoverage'] },
  preserve: { char: 'r', type: 'boolean' },
  'installation-key-bypass': { char: 'x', type: 'boolean', aliases: ['installationkeybypass'] },
  wait: { char: 'w', type: 'option' },
  json: { type: 'boolean' },
};

const read = (...argv: string[]): Record<string, string | boolean> => hostFlagValues(argv, FLAGS);

describe('hostFlagValues', () => {
  it('reads long, short and inline forms', () => {
    expect(read('--package', 'Acme Connector').package).toBe('Acme Connector');
    expect(read('--package=Acme').package).toBe('Acme');
    expect(read('-p', 'Acme').package).toBe('Acme');
    expect(read('-pAcme').package).toBe('Acme');
    expect(read('-p=Acme').package).toBe('Acme');
    expect(read('-d', 'force-app', '-v', 'hub').path).toBe('force-app');
    expect(read('--path=pkgs/one=two').path).toBe('pkgs/one=two');
  });

  it('does not take the value of another option for the package', () => {
    expect(read('-v', '-p', '-p', 'real').package).toBe('real');
    expect(read('--target-hub-org', 'x', '--wait', '10').package).toBeUndefined();
    expect(read('--targetdevhubusername', '-d').path).toBeUndefined();
  });

  it('reads combined short booleans and keeps going', () => {
    const values = read('-xc', '-p', 'Acme', '--json');
    expect(values).toMatchObject({
      'installation-key-bypass': true,
      'code-coverage': true,
      package: 'Acme',
      json: true,
    });
  });

  it('stops at --', () => {
    expect(read('--', '-p', 'Acme').package).toBeUndefined();
  });

  it('ignores flags it does not know, and takes the last value given', () => {
    expect(read('--flags-dir', 'dir', '--unknown', '-p', 'A', '-p', 'B').package).toBe('B');
  });
});

describe('wantsJson', () => {
  it('is on for --json before --, or SF_CONTENT_TYPE=JSON', () => {
    expect(wantsJson(['-p', 'A', '--json'], {})).toBe(true);
    expect(wantsJson(['--', '--json'], {})).toBe(false);
    expect(wantsJson(['-p', 'A'], {})).toBe(false);
    expect(wantsJson(['-p', 'A'], { SF_CONTENT_TYPE: 'json' })).toBe(true);
  });
});
