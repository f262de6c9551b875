import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_END, BLOCK_START } from '../../src/lib/forceignore.js';
import { IDS, copyToTemp, fixturePath } from '../fixtures/fixtures.js';
import { HUB_ID15, SECRET, hubApp, runCli, snapshot, tempDir, writeProject } from './support.js';

/** sf eca prepare without an org (--no-retrieve), and the flags that decide where files go. */

const home = tempDir('eca-home-');
const app = hubApp({ name: 'Acme_Connector' });
const [header, oauth, globalWithSecret, oauthPolicy, policy] = app.map((c) => c.xml);
const global = globalWithSecret.replace(/\n\s*<consumerSecret>[^<]*<\/consumerSecret>/, '');

function project(extra: Record<string, string> = {}): string {
  return writeProject({
    'sfdx-project.json': JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true }, { path: 'second-pkg' }],
    }),
    'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml': header,
    'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml': oauth,
    'force-app/main/default/extlClntAppGlobalOauthSets/Acme_Connector_glbloauth.ecaGlblOauth-meta.xml': global,
    'force-app/main/default/extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy-meta.xml': oauthPolicy,
    'second-pkg/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml': policy,
    ...extra,
  });
}

describe('sf eca prepare --no-retrieve --consumer-id', () => {
  const SETTINGS = 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml';
  const noLink = oauth.replace(/\n\s*<oauthLink>[^<]*<\/oauthLink>/, '');
  const link = /<oauthLink>([^<]*)<\/oauthLink>/.exec(oauth)![1];
  const consumer = link.split(':')[1];

  it('writes the oauthLink offline, for the only app of the project, and the gate passes on it', async () => {
    const dir = project({ [SETTINGS]: noLink });
    const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--consumer-id', consumer];
    const run = await runCli([...args, '--json'], { cwd: dir, home });
    expect(run.code, run.stdout).toBe(0);
    expect(readFileSync(join(dir, SETTINGS), 'utf8')).toBe(oauth);
    expect(run.json?.result.changes).toContainEqual(
      expect.objectContaining({ path: SETTINGS, detail: 'added oauthLink' }),
    );
    expect(run.json?.result.check.findings.filter((f: { rule: string }) => f.rule === 'oauth-link')).toEqual([]);
  });

  it('leaves a link to another org alone unless --replace-link says so', async () => {
    const other = oauth.replace(link, '00D5g00000OTHER:8885g000000OTHR');
    const dir = project({ [SETTINGS]: other });
    const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--consumer-id', consumer];
    const refused = await runCli([...args, '--json'], { cwd: dir, home });
    expect(refused.code, refused.stdout).toBe(2);
    expect(refused.json?.name).toBe('OtherOrgLinkError');
    expect(readFileSync(join(dir, SETTINGS), 'utf8')).toBe(other);
    const replaced = await runCli([...args, '--replace-link', '--json'], { cwd: dir, home });
    expect(replaced.code, replaced.stdout).toBe(0);
    expect(readFileSync(join(dir, SETTINGS), 'utf8')).toBe(oauth);
  });

  it('needs --name when the project has several apps', async () => {
    const dir = project({
      'force-app/main/default/externalClientApps/Billing.eca-meta.xml': header.replace(/Acme_Connector/g, 'Billing'),
    });
    const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--consumer-id', consumer];
    const run = await runCli([...args, '--json'], { cwd: dir, home });
    expect(run.code).toBe(2);
    expect(run.json?.name).toBe('NameRequiredError');
  });
});

describe('sf eca prepare --name, mistyped', () => {
  it('exits 2 and names the app it could mean, a wrong case included', async () => {
    const dir = project();
    for (const typo of ['acme_connector', 'Acme_Conector']) {
      const run = await runCli(
        ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--name', typo, '--json'],
        { cwd: dir, home },
      );
      expect(run.code, run.stdout).toBe(2);
      expect(run.json?.name).toBe('UnknownNameError');
      expect(run.json?.message).toBe(
        `There is no External Client App named ${typo} in the project or the Dev Hub (names are case-sensitive).`,
      );
      expect((run.json as { actions?: string[] } | undefined)?.actions).toEqual([
        "Did you mean: Acme_Connector. Pass the app's developer name exactly as the header's file name spells it.",
      ]);
    }
    const none = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--name', 'NoSuchApp', '--json'],
      { cwd: dir, home },
    );
    expect(none.code).toBe(2);
    expect((none.json as { actions?: string[] } | undefined)?.actions?.[0]).toMatch(/^The apps are: Acme_Connector\./);
  });
});

describe('sf eca prepare --no-retrieve', () => {
  it('needs a Dev Hub or --no-retrieve, and says so', async () => {
    const dir = project();
    const run = await runCli(['eca', 'prepare', '--json'], { cwd: dir, home });
    expect(run.code).toBe(2);
    expect(run.json?.name).toBe('NoDevHubError');
    expect(run.stdout).toContain('--no-retrieve --dev-hub-org-id');
  });

  it('packages the apps already in the project and moves what must not be packaged out of every package directory', async () => {
    const dir = project();
    const run = await runCli(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--json'], {
      cwd: dir,
      home,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(
      readFileSync(join(dir, 'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml'), 'utf8'),
    ).toBe(header.replace('<distributionState>Local<', '<distributionState>Packaged<'));
    for (const moved of [
      'extlClntAppGlobalOauthSets/Acme_Connector_glbloauth.ecaGlblOauth-meta.xml',
      'extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy-meta.xml',
      'extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml',
    ]) {
      expect(existsSync(join(dir, 'eca-source-org', moved)), moved).toBe(true);
    }
    expect(
      readFileSync(join(dir, 'eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml'), 'utf8'),
    ).toBe(policy);
    expect(existsSync(join(dir, 'second-pkg/extlClntAppPolicies'))).toBe(false);
    expect(existsSync(join(dir, 'second-pkg'))).toBe(true);
    expect(run.json?.result.changes.filter((c: { action: string }) => c.action === 'move')).toHaveLength(3);
    // the global settings moved out of the package land where git does not commit them
    expect(readFileSync(join(dir, 'eca-source-org/.gitignore'), 'utf8')).toBe('extlClntAppGlobalOauthSets/\n');
    expect(run.json?.result.changes).toContainEqual(
      expect.objectContaining({ action: 'create', path: 'eca-source-org/.gitignore' }),
    );
  });

  it('--non-packageable-dir chooses the folder, and refuses one inside a package directory', async () => {
    const dir = project();
    const inside = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--non-packageable-dir', 'force-app/org-only'],
      { cwd: dir, home },
    );
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('--non-packageable-dir force-app/org-only is inside a package directory');
    const run = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--non-packageable-dir', 'org-only'],
      { cwd: dir, home },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(
      existsSync(join(dir, 'org-only/extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy-meta.xml')),
    ).toBe(true);
  });

  it('--delete-non-packageable deletes them instead, and a second run changes nothing', async () => {
    const dir = project();
    const run = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--delete-non-packageable', '--json'],
      { cwd: dir, home },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.json?.result.changes.filter((c: { action: string }) => c.action === 'delete')).toHaveLength(3);
    expect(existsSync(join(dir, 'eca-source-org'))).toBe(false);
    expect(existsSync(join(dir, 'force-app/main/default/extlClntAppGlobalOauthSets'))).toBe(false);
    const after = snapshot(dir);
    const again = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--delete-non-packageable'],
      { cwd: dir, home },
    );
    expect(again.stdout).toContain('Nothing to change: the project is already prepared.');
    expect(snapshot(dir)).toEqual(after);
  });

  it('refuses to move a file onto a different one, before writing anything', async () => {
    const dir = project({
      'eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml': policy.replace('true', 'false'),
    });
    const before = snapshot(dir);
    const run = await runCli(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15], { cwd: dir, home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'cannot be moved to eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml: a different file is already there',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('moves a committed secret byte for byte, and the check after it still fails on the secret (without showing it)', async () => {
    const dir = project({
      'force-app/main/default/extlClntAppGlobalOauthSets/Acme_Connector_glbloauth.ecaGlblOauth-meta.xml':
        globalWithSecret,
    });
    const run = await runCli(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--json'], {
      cwd: dir,
      home,
    });
    expect(run.code).toBe(1);
    expect(
      readFileSync(
        join(dir, 'eca-source-org/extlClntAppGlobalOauthSets/Acme_Connector_glbloauth.ecaGlblOauth-meta.xml'),
        'utf8',
      ),
    ).toBe(globalWithSecret);
    expect(run.json?.result.check.findings.map((f: { rule: string }) => f.rule)).toContain('secret-in-source');
    expect(run.stdout).not.toContain(SECRET);
  });

  it('--source-dir limits the files it considers; --fail-on warning makes a warning fail the final check', async () => {
    const dir = project({
      'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml': oauth.replace(
        'Api, RefreshToken',
        'Api, Web',
      ),
    });
    const run = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--source-dir', 'second-pkg', '--json'],
      { cwd: dir, home },
    );
    expect(run.code, run.stdout).toBe(0);
    // only second-pkg was looked at: its policy moved, force-app's files are untouched
    expect(run.json?.result.changes.map((c: { path: string }) => c.path)).toEqual([
      'eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml',
      '.forceignore',
    ]);
    expect(
      readFileSync(join(dir, 'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml'), 'utf8'),
    ).toBe(header);
    const strict = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--fail-on', 'warning', '--json'],
      { cwd: dir, home },
    );
    expect(strict.json?.result.check.findings.map((f: { rule: string }) => f.rule)).toContain('scope-web');
    expect(strict.code).toBe(1);
  });

  it('--output-dir must be a package directory', async () => {
    const dir = project();
    const run = await runCli(
      ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB_ID15, '--output-dir', 'eca-source-org'],
      { cwd: dir, home },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a package directory of this project (force-app, second-pkg)');
  });
});

describe('sf eca prepare --no-retrieve: metadata-format copies', () => {
  const MD = 'force-app/main/default';
  const COPY = `${MD}/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth`;
  // a metadata-format retrieve names the header after the org: 00D…:App.eca
  const HEADER_COPY = `${MD}/externalClientApps/${IDS.ORG_A18}:Mdapi_App.eca`;

  it('moves a copy of the packaged OAuth settings out of the package directory, byte for byte, like the policies', async () => {
    // the package build reads X.ecaOauth as a second ExtlClntAppOauthSettings X and writes both to one file
    const { dir, cleanup } = copyToTemp(fixturePath('mdapi-copies'));
    try {
      const header = readFileSync(join(dir, `${MD}/externalClientApps/Mdapi_App.eca-meta.xml`));
      writeFileSync(join(dir, HEADER_COPY), header);
      const copy = readFileSync(join(dir, COPY));
      const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', IDS.ORG_A];
      const run = await runCli([...args, '--json'], { cwd: dir, home });
      expect(run.code, run.stdout).toBe(0);
      const result = run.json?.result as {
        apps: string[];
        changes: Array<{ action: string; path: string; from?: string }>;
        check: { apps: Array<{ name: string }>; findings: Array<{ rule: string; file?: string }> };
      };
      // the header named 00D…:Mdapi_App is that app, not an app of its own
      expect(result.apps).toEqual(['Mdapi_App']);
      expect(result.check.apps.map((a) => a.name)).toEqual(['Mdapi_App']);
      expect(result.changes.filter((c) => c.action === 'move')).toEqual([
        expect.objectContaining({
          path: `eca-source-org/externalClientApps/${IDS.ORG_A18}:Mdapi_App.eca`,
          from: HEADER_COPY,
        }),
        expect.objectContaining({
          path: 'eca-source-org/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth',
          from: COPY,
        }),
      ]);
      expect(existsSync(join(dir, COPY))).toBe(false);
      expect(existsSync(join(dir, HEADER_COPY))).toBe(false);
      expect(
        readFileSync(join(dir, 'eca-source-org/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth')).equals(copy),
      ).toBe(true);
      expect(result.check.findings.filter((f) => f.rule === 'mdapi-copy')).toEqual([]);

      const after = snapshot(dir);
      const again = await runCli(args, { cwd: dir, home });
      expect(again.stdout).toContain('Nothing to change: the project is already prepared.');
      expect(snapshot(dir)).toEqual(after);
      const check = await runCli(['eca', 'check', '--json'], { cwd: dir, home });
      expect(check.json?.result.findings.filter((f: { rule: string }) => f.rule === 'mdapi-copy')).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('leaves a metadata-format file without a source twin where it is: it is the only copy', async () => {
    const { dir, cleanup } = copyToTemp(fixturePath('mdapi-copies'));
    try {
      const twin = `${MD}/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth-meta.xml`;
      const run = await runCli(
        ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', IDS.ORG_A, '--dry-run', '--json'],
        {
          cwd: dir,
          home,
        },
      );
      expect(run.json?.result.changes.map((c: { action: string }) => c.action)).toContain('move');
      rmSync(join(dir, twin));
      const alone = await runCli(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', IDS.ORG_A, '--json'], {
        cwd: dir,
        home,
      });
      expect(alone.json?.result.changes.map((c: { action: string }) => c.action)).not.toContain('move');
      expect(existsSync(join(dir, COPY))).toBe(true);
      const copies = alone.json?.result.check.findings.filter((f: { rule: string }) => f.rule === 'mdapi-copy');
      expect(copies.map((f: { file: string; fix: string }) => [f.file, f.fix])).toEqual([
        [COPY, 'Rename it to Mdapi_App_oauth.ecaOauth-meta.xml, the source-format name.'],
      ]);
    } finally {
      cleanup();
    }
  });
});

describe('sf eca prepare --no-retrieve: the findings it prints judge the .forceignore it writes', () => {
  it('names the line that hides a file in the .forceignore as written, the lines prepare added counted, also in a dry run', async () => {
    const { dir, cleanup } = copyToTemp(fixturePath('forceignore-too-broad'));
    try {
      // a project prepared by an earlier version: its block lacks lines for folders added since, and the user's own
      // lines follow it, so the lines prepare adds to the block move them down
      const own = readFileSync(join(dir, '.forceignore'), 'utf8');
      writeFileSync(
        join(dir, '.forceignore'),
        `${BLOCK_START}\n**/extlClntAppGlobalOauthSets/**\n${BLOCK_END}\n${own}`,
      );
      const args = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', IDS.ORG_A, '--json'];
      const hiding = (run: Awaited<ReturnType<typeof runCli>>): string[] =>
        run.json?.result.check.findings
          .filter((f: { rule: string }) => f.rule === 'forceignored-packageable')
          .map((f: { file: string; hiddenBy?: string }) => `${f.file} ${f.hiddenBy}`);
      const dryRun = await runCli([...args, '--dry-run'], { cwd: dir, home });
      const run = await runCli(args, { cwd: dir, home });
      expect(run.code, run.stdout).toBe(1);
      const written = readFileSync(join(dir, '.forceignore'), 'utf8').split('\n');
      const line = written.indexOf('**/externalClientApps/**') + 1;
      expect(line).toBeGreaterThan(4);
      const expected = [
        `force-app/main/default/externalClientApps/Broad_App.eca-meta.xml ${line}: **/externalClientApps/**`,
      ];
      expect(hiding(run)).toEqual(expected);
      expect(hiding(dryRun)).toEqual(expected);
      const check = await runCli(['eca', 'check', '--json'], { cwd: dir, home });
      expect(
        check.json?.result.findings.filter((f: { rule: string }) => f.rule === 'forceignored-packageable'),
      ).toEqual(run.json?.result.check.findings.filter((f: { rule: string }) => f.rule === 'forceignored-packageable'));
    } finally {
      cleanup();
    }
  });
});
