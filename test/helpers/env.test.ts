import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, SF_SWITCHES } from './env.js';
import { fixturePath } from '../fixtures/fixtures.js';
import { runPlugin } from './run.js';
import { copyProject, tempDir } from './temp.js';

/** The shell's sf settings, proxies and HOME reach neither a test process nor any child it starts. */

const SHELL = {
  SF_TARGET_ORG: 'x',
  SF_TARGET_DEV_HUB: 'x',
  SF_ORG_API_VERSION: '1.0',
  SF_LOG_LEVEL: 'trace',
  SFDX_IGNORE_API_VERSION_CACHE: 'true',
  SF_CONTENT_TYPE: 'JSON',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '*',
  XDG_CONFIG_HOME: '/nonexistent',
  DEBUG: '*',
  CI: 'true',
};

afterEach(() => {
  for (const name of Object.keys(SHELL)) if (name !== 'CI') delete process.env[name];
});

describe('a hermetic test environment', () => {
  it('this test process has its own HOME and TMPDIR, the sf switches, and none of the shell settings', () => {
    expect(os.homedir()).toBe(process.env.HOME);
    expect(os.homedir()).not.toBe(os.userInfo().homedir);
    expect(os.tmpdir()).toMatch(/eca-test-file-[^/]+\/tmp$/);
    expect(
      Object.keys(process.env)
        .filter((name) => /^(SF|SFDX)_/.test(name))
        .sort(),
    ).toEqual(
      Object.keys(SF_SWITCHES)
        .filter((name) => name.startsWith('SF_'))
        .sort(),
    );
    expect(Object.keys(process.env).filter((name) => /_proxy$/i.test(name))).toEqual([]);
  });

  it('childEnv drops the shell settings and sets HOME, TMPDIR, the switches and no colours', () => {
    Object.assign(process.env, SHELL);
    const home = tempDir('eca-home-');
    const env = childEnv({ home, tmp: '/t', extra: { SF_ACCESS_TOKEN: 'token' } });
    for (const name of Object.keys(SHELL)) expect(env[name], name).toBeUndefined();
    expect(env).toMatchObject({ ...SF_SWITCHES, HOME: home, TMPDIR: '/t', NO_COLOR: '1', SF_ACCESS_TOKEN: 'token' });
  });

  it('the plugin run by a test ignores the shell settings (SF_CONTENT_TYPE=JSON would turn the report into JSON)', async () => {
    Object.assign(process.env, SHELL);
    const r = await runPlugin(['eca', 'check'], { cwd: copyProject(fixturePath('header-only-2gp')) });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.json).toBeUndefined();
    expect(r.stdout).toMatch(/^0 errors, 0 warnings, 0 info, 0 acknowledged in 1 app \(\d+ files?\): gate passed$/m);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
  });
});
