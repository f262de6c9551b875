import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { idSuffix } from '../../src/lib/ids.js';
import { OrgEmulator, scratchDeployValidator } from '../helpers/emulator/org-emulator.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { leftoversIn } from '../helpers/temp.js';
import { itRefuses, type Refusal } from '../helpers/refusals.js';
import { xmllintValidate } from '../helpers/xmllint.js';
import { HUB_ID, HUB_ID15, SECRET, hubApp, runCli, snapshot, tempDir, writeProject, type CliRun } from './support.js';

/**
 * sf eca link-scratch, end to end through the built CLI, against two emulated orgs on 127.0.0.1: a Dev Hub that
 * owns the apps and the scratch org it created, whose deploy validator judges links the way a real org does.
 */

const SCRATCH_ID = '00D1s0000SCRTCHAAA';
const STRAY_ID = '00D7x00000STRAYAAA';
const PLAIN_ID = '00D3x00000PLAINAAA';
const CONSUMER = '8885g000000WXYZ';
const LINK = `${HUB_ID15}:${CONSUMER}`;
const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

const HEADER_PATH = 'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml';
const SETTINGS_PATH = 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml';
const HEADER_ZIP = 'externalClientApps/Acme_Connector.eca';
const SETTINGS_ZIP = 'extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth';
const POLICIES_ZIP = 'extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy';

/** The 18-character form of a 15-character id (the case-safe suffix Salesforce appends). */
const to18 = (id15: string): string => id15 + idSuffix(id15);

let hub: OrgEmulator;
let scratch: OrgEmulator;
let stray: OrgEmulator;
let plain: OrgEmulator;
const home = tempDir('eca-home-');

const hubAcme = (): ReturnType<typeof hubApp> =>
  hubApp({ name: 'Acme_Connector', distributionState: 'Packaged', consumerId: CONSUMER });

/** The header as the hub holds it (Packaged, orgScopedExternalApp 15-char) and OAuth settings without a link yet. */
function acmeProject(extra: Record<string, string | Buffer> = {}, settings?: string): string {
  const [header, hubSettings] = hubAcme();
  return writeProject({
    [HEADER_PATH]: header.xml,
    [SETTINGS_PATH]: settings ?? hubSettings.xml.replace(/ {4}<oauthLink>.*<\/oauthLink>\n/, ''),
    ...extra,
  });
}

function deployCount(emu: OrgEmulator): number {
  return emu.soapCalls('deploy').length;
}

/** What a run left in its own TMPDIR: the deploy and retrieve folders must be gone (a retrieve may hold a secret). */
function leftovers(run: { tmp: string }): string[] {
  return leftoversIn(run.tmp);
}

beforeAll(async () => {
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@hub.example',
    isDevHub: true,
    components: [
      ...hubAcme(),
      ...hubApp({
        name: 'Billing',
        distributionState: 'Packaged',
        oauthName: 'BillingOAuthSettings',
        globalName: 'BillingGlblOAuth',
        consumerId: '8885g000000BILL',
      }),
      ...hubApp({ name: 'LocalApp', distributionState: 'Local', consumerId: '8885g000000LOCL' }),
      ...hubApp({ name: 'NoConsumer', distributionState: 'Packaged', withLink: false }),
      ...hubApp({ name: 'Mobile', distributionState: 'Packaged', consumerId: '8885g000000MOBL' }),
      {
        type: 'ExtlClntAppMobileSettings',
        fullName: 'Mobile_mobile',
        xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppMobileSettings ${NS}>\n    <externalClientApplication>Mobile</externalClientApplication>\n    <isScreenLockEnabled>true</isScreenLockEnabled>\n    <label>Mobile</label>\n</ExtlClntAppMobileSettings>\n`,
      },
    ],
    scratchOrgs: [{ orgId: SCRATCH_ID, username: 'admin@scratch.example' }],
  });
  scratch = await OrgEmulator.start({
    orgId: SCRATCH_ID,
    username: 'admin@scratch.example',
    isDevHub: false,
    isScratch: true,
    devHubUsername: hub.username,
    deployValidator: scratchDeployValidator(hub),
    users: ['integration@scratch.example'],
  });
  stray = await OrgEmulator.start({
    orgId: STRAY_ID,
    username: 'admin@stray.example',
    isDevHub: false,
    isScratch: true,
    deployValidator: scratchDeployValidator(hub),
  });
  plain = await OrgEmulator.start({ orgId: PLAIN_ID, username: 'admin@plain.example', isDevHub: false });
  await registerOrg(hub, { home, alias: 'hub' });
  await registerOrg(scratch, { home, alias: 'scratch' });
  await registerOrg(stray, { home, alias: 'stray' });
  await registerOrg(plain, { home, alias: 'plain', cacheIsDevHub: false });
});

afterAll(async () => {
  for (const emu of [hub, scratch, stray, plain]) await emu?.stop();
});
afterEach(() => {
  for (const emu of [hub, scratch, stray, plain]) emu.clearFaults();
});

type Run = Awaited<ReturnType<typeof runCli>>;
const LS = ['eca', 'link-scratch'];
/** The link of Acme_Connector built offline from the Dev Hub's org id and the consumer id. */
const OFFLINE_ACME = ['--dev-hub-org-id', HUB_ID15, '--consumer-id', CONSUMER, '-n', 'Acme_Connector'];
const out = (r: Run): string => r.stdout + r.stderr;

function read(project: string, path: string): string {
  return readFileSync(join(project, path), 'utf8');
}

/** The zip the scratch org received last, as `path → text`, without package.xml. */
function deployed(): Record<string, string> {
  return Object.fromEntries([...scratch.lastDeployFiles!].filter(([p]) => p !== 'package.xml'));
}

describe('link from the Dev Hub and deploy to its scratch org', () => {
  it('copies the Dev Hub link verbatim, deploys only the header and OAuth settings, confirms the link, then writes the file', async () => {
    const project = acmeProject();
    const headerBefore = readFileSync(join(project, HEADER_PATH));
    const settingsBefore = read(project, SETTINGS_PATH);
    const retrievesBefore = scratch.soapCalls('retrieve').length;
    const run = await runCli([...LS, '--target-dev-hub', 'hub', '--target-org', 'scratch', '--json'], {
      cwd: project,
      home,
    });
    expect(run.code, out(run)).toBe(0);

    // the link is the Dev Hub's own text, in its 15-character form; only <oauthLink> was added to the file
    const settingsAfter = read(project, SETTINGS_PATH);
    expect(settingsAfter).toBe(settingsBefore.replace('</label>\n', `</label>\n    <oauthLink>${LINK}</oauthLink>\n`));
    expect(settingsAfter).toBe(hubAcme()[1].xml);
    expect(readFileSync(join(project, HEADER_PATH)).equals(headerBefore)).toBe(true);

    // the deploy carried exactly the two packaged files, as they are now in the project
    expect(Object.keys(deployed()).sort()).toEqual([HEADER_ZIP, SETTINGS_ZIP].sort());
    expect(deployed()[SETTINGS_ZIP]).toBe(settingsAfter);
    expect(deployed()[HEADER_ZIP]).toBe(headerBefore.toString('utf8'));
    expect(scratch.lastDeployFiles!.get('package.xml')).toMatch(
      /<members>Acme_Connector<\/members>\s*<name>ExternalClientApplication<\/name>/,
    );
    expect(xmlOf(scratch, 'ExtlClntAppOauthSettings', 'Acme_Connector_oauth')).toContain(
      `<oauthLink>${LINK}</oauthLink>`,
    );
    // then read back from the scratch org to confirm the link holds there
    expect(scratch.soapCalls('retrieve').length).toBe(retrievesBefore + 1);
    expect(leftovers(run)).toEqual([]);

    expect(run.json?.result).toEqual({
      dryRun: false,
      links: [{ app: 'Acme_Connector', oauthLink: LINK }],
      changes: [{ action: 'update', path: SETTINGS_PATH, detail: 'added oauthLink' }],
      scratchDefinitions: [],
      deploy: {
        targetOrg: 'admin@scratch.example',
        id: expect.stringMatching(/^0Af/),
        status: 'Succeeded',
        components: [
          { type: 'ExternalClientApplication', fullName: 'Acme_Connector' },
          { type: 'ExtlClntAppOauthSettings', fullName: 'Acme_Connector_oauth' },
        ],
        verified: true,
      },
    });
    expect((run.json as { warnings?: string[] }).warnings).toEqual([]);
    expect(JSON.stringify(run.json)).not.toContain(SECRET);
  });

  it('builds the deploy in memory: while the scratch org receives it, the command has no file in its TMPDIR', async () => {
    const project = acmeProject();
    const validator = scratch.deployValidator;
    let during: string[] | undefined;
    scratch.deployValidator = (files, emu) => {
      // every run's TMPDIR (the one running now among them), as the files are being received
      during = readdirSync(tmpdir())
        .filter((name) => name.startsWith('eca-run-tmp-'))
        .flatMap((name) => leftoversIn(join(tmpdir(), name)).map((left) => `${name}/${left}`));
      return validator ? validator(files, emu) : [];
    };
    try {
      const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch'], { cwd: project, home });
      expect(run.code, out(run)).toBe(0);
    } finally {
      scratch.deployValidator = validator;
    }
    expect(during).toEqual([]);
  });

  it('changes only the text of <oauthLink> in a CRLF file with comments and tabs, and tells the user what it did', async () => {
    const crlf = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- OAuth settings of the connector; keep this comment -->',
      `<ExtlClntAppOauthSettings ${NS}>`,
      '\t<commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>',
      '\t<externalClientApplication>Acme_Connector</externalClientApplication>',
      '\t<label>Acme Connector</label>',
      '\t<!-- the link of a Dev Hub we no longer use -->',
      '\t<oauthLink>00D5g00000OLDHB:8885g000000OLD1</oauthLink>',
      '</ExtlClntAppOauthSettings>',
    ].join('\r\n');
    const project = acmeProject({}, crlf);
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    expect(read(project, SETTINGS_PATH)).toBe(crlf.replace('00D5g00000OLDHB:8885g000000OLD1', LINK));
    expect(run.stdout).toContain('Deployed 2 components to admin@scratch.example, and the link holds there.');
    expect(run.stdout).toContain(`Wrote ${SETTINGS_PATH} (changed oauthLink).`);
    expect(deployed()[SETTINGS_ZIP]).toBe(read(project, SETTINGS_PATH));
  });

  it('inserts a missing <oauthLink> with the file’s own line ending and indentation', async () => {
    const crlf = `<?xml version="1.0" encoding="UTF-8"?>\r\n<ExtlClntAppOauthSettings ${NS}>\r\n\t<externalClientApplication>Acme_Connector</externalClientApplication>\r\n\t<label>Acme Connector</label>\r\n</ExtlClntAppOauthSettings>\r\n`;
    const project = acmeProject({}, crlf);
    const run = await runCli([...LS, '-v', 'hub', '-n', 'Acme_Connector'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    expect(read(project, SETTINGS_PATH)).toBe(
      crlf.replace('</label>\r\n', `</label>\r\n\t<oauthLink>${LINK}</oauthLink>\r\n`),
    );
  });

  /**
   * Runs link-scratch against a scratch org created with namespace `prefix`: like a namespaced org, it keeps the
   * app's name with the prefix, so its retrieve writes <externalClientApplication>prefix__Acme_Connector</…>.
   */
  async function linkToScratchOfNamespace(prefix: string): Promise<{ project: string; run: CliRun }> {
    const validator = scratch.deployValidator;
    const unprefixed = new RegExp(`<externalClientApplication>(?!${prefix}__)`);
    scratch.deployValidator = (files, emu) => {
      const problems = validator ? validator(files, emu) : [];
      for (const [path, xml] of files)
        if (path.endsWith('.ecaOauth'))
          files.set(path, xml.replace(unprefixed, `<externalClientApplication>${prefix}__`));
      return problems;
    };
    try {
      const project = acmeProject();
      const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
      return { project, run };
    } finally {
      scratch.deployValidator = validator;
    }
  }

  it('a scratch org of the package namespace: the OAuth settings retrieved back name ns__App, and the link still holds', async () => {
    const { project, run } = await linkToScratchOfNamespace('acme');
    expect(run.code, out(run)).toBe(0);
    expect(xmlOf(scratch, 'ExtlClntAppOauthSettings', 'Acme_Connector_oauth')).toContain(
      '<externalClientApplication>acme__Acme_Connector</externalClientApplication>',
    );
    expect(run.json?.result.deploy).toMatchObject({ verified: true });
    expect(read(project, SETTINGS_PATH)).toBe(hubAcme()[1].xml);
  });

  it("a scratch org of another namespace: the error names the namespace it uses and the project's", async () => {
    const { run } = await linkToScratchOfNamespace('other');
    expect(run.code, out(run)).toBe(2);
    expect(run.json).toMatchObject({ name: 'LinkInOtherNamespaceError' });
    expect(String(run.json?.message)).toContain(
      'name other__Acme_Connector, a namespace other than the project\'s ("acme")',
    );
    expect(run.stdout).toContain('Set \\"namespace\\" in sfdx-project.json');
  });

  it('a second run changes nothing', async () => {
    const project = acmeProject();
    const first = await runCli([...LS, '-v', 'hub', '-o', 'scratch'], { cwd: project, home });
    expect(first.code, out(first)).toBe(0);
    const after = snapshot(project);
    const second = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
    expect(second.code, out(second)).toBe(0);
    expect(second.json?.result.changes).toEqual([]);
    expect(second.json?.result.deploy.verified).toBe(true);
    expect(snapshot(project)).toEqual(after);
    const third = await runCli([...LS, '-v', 'hub'], { cwd: project, home });
    expect(third.stdout).toContain("The project's files already carry the link; nothing to write.");
    expect(snapshot(project)).toEqual(after);
  });

  it('links every app with a header in a package directory when no --name is given', async () => {
    const billing = hubApp({ name: 'Billing', distributionState: 'Packaged', oauthName: 'BillingOAuthSettings' });
    const project = acmeProject({
      'force-app/main/default/externalClientApps/Billing.eca-meta.xml': billing[0].xml,
      'force-app/main/default/extlClntAppOauthSettings/BillingOAuthSettings.ecaOauth-meta.xml': billing[1].xml.replace(
        / {4}<oauthLink>.*\n/,
        '',
      ),
    });
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    expect(run.json?.result.links).toEqual([
      { app: 'Acme_Connector', oauthLink: LINK },
      { app: 'Billing', oauthLink: `${HUB_ID15}:8885g000000BILL` },
    ]);
    expect(Object.keys(deployed()).sort()).toEqual(
      [
        HEADER_ZIP,
        SETTINGS_ZIP,
        'externalClientApps/Billing.eca',
        'extlClntAppOauthSettings/BillingOAuthSettings.ecaOauth',
      ].sort(),
    );
  });

  it('makes the header Packaged with an orgScopedExternalApp naming the Dev Hub before it deploys it', async () => {
    const header = hubAcme()[0]
      .xml.replace('Packaged', 'Local')
      .replace(`${HUB_ID15}:Acme_Connector`, '00D-XXXXXXXXXXXXXX:Acme_Connector');
    const project = acmeProject({ [HEADER_PATH]: header });
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    const written = read(project, HEADER_PATH);
    expect(written).toBe(header.replace('Local', 'Packaged').replace('00D-XXXXXXXXXXXXXX', HUB_ID15));
    expect(deployed()[HEADER_ZIP]).toBe(written);
    expect(run.json?.result.changes.map((c: { path: string; detail: string }) => `${c.path}: ${c.detail}`)).toEqual([
      `${HEADER_PATH}: changed distributionState, orgScopedExternalApp`,
      `${SETTINGS_PATH}: added oauthLink`,
    ]);
  });

  it('writes only the OAuth settings (and the header), even when the Dev Hub app has other settings the project lacks', async () => {
    const [header, settings] = hubApp({ name: 'Mobile', distributionState: 'Packaged', consumerId: '8885g000000MOBL' });
    const project = writeProject({
      'force-app/main/default/externalClientApps/Mobile.eca-meta.xml': header.xml,
      'force-app/main/default/extlClntAppOauthSettings/Mobile_oauth.ecaOauth-meta.xml': settings.xml.replace(
        / {4}<oauthLink>.*\n/,
        '',
      ),
    });
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    expect(run.json?.result.changes.map((c: { path: string }) => c.path)).toEqual([
      'force-app/main/default/extlClntAppOauthSettings/Mobile_oauth.ecaOauth-meta.xml',
    ]);
    expect([...snapshot(project).keys()].sort()).toEqual([
      'force-app/main/default/externalClientApps/Mobile.eca-meta.xml',
      'force-app/main/default/extlClntAppOauthSettings/Mobile_oauth.ecaOauth-meta.xml',
      'sfdx-project.json',
    ]);
  });

  it('never deploys global OAuth settings, a secret or policies, even when the project holds them', async () => {
    const [, , global, oauthPolicies, policies] = hubAcme();
    const project = acmeProject({
      'force-app/main/default/extlClntAppGlobalOauthSets/Acme_Connector_glbloauth.ecaGlblOauth-meta.xml': global.xml,
      'force-app/main/default/extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy-meta.xml':
        oauthPolicies.xml,
      'force-app/main/default/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml': policies.xml,
    });
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    expect(Object.keys(deployed()).sort()).toEqual([HEADER_ZIP, SETTINGS_ZIP].sort());
    expect([...scratch.lastDeployFiles!.values()].join('\n')).not.toContain(SECRET);
    expect([...scratch.lastDeployFiles!.values()].join('\n')).not.toMatch(
      /consumerSecret|consumerKey|ExtlClntAppGlobalOauthSettings|ConfigurablePolicies/,
    );
    expect(out(run)).not.toContain(SECRET);
  });

  it('--run-as adds exactly one OAuth policies file with the execution user, valid against the schema, and writes none', async () => {
    const project = acmeProject();
    const run = await runCli(
      [...LS, '-v', 'hub', '-o', 'scratch', '--run-as', 'integration@scratch.example', '--json'],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(0);
    const files = deployed();
    expect(Object.keys(files).sort()).toEqual([HEADER_ZIP, SETTINGS_ZIP, POLICIES_ZIP].sort());
    const policy = files[POLICIES_ZIP];
    expect(policy).toContain('<clientCredentialsFlowUser>integration@scratch.example</clientCredentialsFlowUser>');
    expect(policy).toContain('<isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>');
    expect(policy).toContain('<externalClientApplication>Acme_Connector</externalClientApplication>');
    const lint = xmllintValidate(policy, 'ExtlClntAppOauthConfigurablePolicies');
    expect(lint.valid, lint.output).toBe(true);
    expect(run.json?.result.deploy.components).toContainEqual({
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: 'Acme_Connector_oauthPlcy',
    });
    expect(xmlOf(scratch, 'ExtlClntAppOauthConfigurablePolicies', 'Acme_Connector_oauthPlcy')).toBe(policy);
    // the policies belong to the scratch org's admin, not to the project
    expect([...snapshot(project).keys()].filter((p) => /Plcy|Policies/i.test(p))).toEqual([]);
    expect(run.json?.result.changes.map((c: { path: string }) => c.path)).toEqual([SETTINGS_PATH]);
    // the Dev Hub's global settings (read in memory) do not switch the flow on: the user is told where to do it
    expect((run.json as { warnings?: string[] }).warnings).toEqual([
      "The Dev Hub's global OAuth settings for Acme_Connector do not enable the client credentials flow (isClientCredentialsFlowEnabled is not true). The scratch org's app uses the Dev Hub's global settings, so the flow will not run with the execution user until it is enabled there too (the app's OAuth settings in the Dev Hub, Flow Enablement: Enable Client Credentials Flow).",
    ]);
  });

  // SDR would filter a source-format retrieve through the project's .forceignore; the metadata-format retrieve
  // reads the Dev Hub's global settings whatever the project excludes.
  it('--run-as reads the Dev Hub global settings even when the project .forceignore excludes their folder', async () => {
    const project = acmeProject({
      '.forceignore': '**/extlClntAppGlobalOauthSets/**\n**/extlClntAppOauthPolicies/**\n',
    });
    const run = await runCli(
      [
        ...LS,
        '-v',
        'hub',
        '-n',
        'Acme_Connector',
        '--run-as',
        'integration@scratch.example',
        '-o',
        'scratch',
        '--dry-run',
        '--json',
      ],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(0);
    expect(((run.json as { warnings?: string[] }).warnings ?? []).join('\n')).toContain(
      'do not enable the client credentials flow',
    );
  });

  it('--run-as with a user the scratch org does not have: the org refuses, the message says what to pass, nothing is written', async () => {
    const project = acmeProject();
    const before = snapshot(project);
    const deploys = scratch.deploys.length;
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--run-as', 'nobody@scratch.example', '--json'], {
      cwd: project,
      home,
    });
    expect(run.code).toBe(2);
    expect(run.json?.message).toBe(
      'The scratch org admin@scratch.example refused the execution user: ExtlClntAppOauthConfigurablePolicies:Acme_Connector_oauthPlcy: Enter a valid execution user for the OAuth client credentials flow.',
    );
    expect((run.json as { actions?: string[] }).actions).toEqual([
      'Pass the username (not the email) of an existing user of the scratch org: sf org display user --target-org <scratch>',
    ]);
    expect(snapshot(project)).toEqual(before);
    expect(scratch.deploys.length).toBe(deploys);
  });

  it('--dry-run shows the diff and the components it would deploy, and writes and deploys nothing', async () => {
    const project = acmeProject();
    const before = snapshot(project);
    const deploys = deployCount(scratch);
    const run = await runCli(
      [...LS, '-v', 'hub', '-o', 'scratch', '--run-as', 'integration@scratch.example', '--dry-run'],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(0);
    expect(run.stdout).toContain(`+++ b/${SETTINGS_PATH}`);
    expect(run.stdout).toContain(`+    <oauthLink>${LINK}</oauthLink>`);
    expect(run.stdout).toContain(
      'Would deploy to admin@scratch.example: ExternalClientApplication:Acme_Connector, ExtlClntAppOauthSettings:Acme_Connector_oauth, ExtlClntAppOauthConfigurablePolicies:Acme_Connector_oauthPlcy',
    );
    expect(run.stdout).toContain('Dry run: 1 change planned, nothing written or deployed.');
    expect(snapshot(project)).toEqual(before);
    expect(deployCount(scratch)).toBe(deploys);

    const json = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--dry-run', '--json'], { cwd: project, home });
    expect(json.json?.result).toMatchObject({
      dryRun: true,
      links: [{ app: 'Acme_Connector', oauthLink: LINK }],
      changes: [{ path: SETTINGS_PATH }],
    });
    expect(json.json?.result.diff).toContain(`+    <oauthLink>${LINK}</oauthLink>`);
    expect(json.json?.result.deploy).toBeUndefined();
    expect(snapshot(project)).toEqual(before);
    expect(deployCount(scratch)).toBe(deploys);
  });
});

describe('offline: the link built from --dev-hub-org-id and --consumer-id', () => {
  it('writes <org>:<consumer> from 15-character ids without a single request to any org', async () => {
    const project = acmeProject();
    const requests = [hub, scratch].map((e) => e.requests.length);
    const run = await runCli(
      [...LS, '--dev-hub-org-id', HUB_ID15, '--consumer-id', CONSUMER, '--name', 'Acme_Connector', '--json'],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(0);
    expect(run.json?.result.links).toEqual([{ app: 'Acme_Connector', oauthLink: LINK }]);
    expect(read(project, SETTINGS_PATH)).toBe(hubAcme()[1].xml);
    expect([hub, scratch].map((e) => e.requests.length)).toEqual(requests);
  });

  it('does not replace a link that names another org without --replace-link (exit 2), and does with it', async () => {
    const other = hubAcme()[1].xml.replace(LINK, '00D5g00000OTHER:8885g000000OTHR');
    const project = acmeProject({}, other);
    const args = [...LS, '--dev-hub-org-id', HUB_ID15, '--consumer-id', CONSUMER, '--name', 'Acme_Connector'];
    const refused = await runCli([...args, '--json'], { cwd: project, home });
    expect(refused.code, out(refused)).toBe(2);
    expect(refused.json?.name).toBe('OtherOrgLinkError');
    expect(refused.json?.message).toBe(
      `${SETTINGS_PATH} has oauthLink 00D5g00000OTHER:8885g000000OTHR, which names another org than the new link ${LINK}.`,
    );
    expect(read(project, SETTINGS_PATH)).toBe(other);
    const replaced = await runCli([...args, '--replace-link', '--json'], { cwd: project, home });
    expect(replaced.code, out(replaced)).toBe(0);
    expect(read(project, SETTINGS_PATH)).toBe(hubAcme()[1].xml);
  });

  it('exits 2 on a --name in the wrong case and names the app it means', async () => {
    const project = acmeProject();
    const run = await runCli(
      [...LS, '--dev-hub-org-id', HUB_ID15, '--consumer-id', CONSUMER, '--name', 'acme_connector', '--json'],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(2);
    expect(run.json?.name).toBe('UnknownProjectAppError');
    expect((run.json as { actions?: string[] } | undefined)?.actions?.[0]).toMatch(/^Did you mean: Acme_Connector\./);
  });

  it('takes 18-character ids and writes the 15-character form the Dev Hub itself holds', async () => {
    const project = acmeProject();
    const run = await runCli(
      [...LS, '--dev-hub-org-id', to18(HUB_ID15), '--consumer-id', to18(CONSUMER), '-n', 'Acme_Connector', '--json'],
      { cwd: project, home },
    );
    expect(run.code, out(run)).toBe(0);
    expect(run.json?.result.links).toEqual([{ app: 'Acme_Connector', oauthLink: LINK }]);
    expect(read(project, SETTINGS_PATH)).toContain(`<oauthLink>${LINK}</oauthLink>`);
    // the next run from the Dev Hub finds nothing to change
    const again = await runCli([...LS, '-v', 'hub', '--json'], { cwd: project, home });
    expect(again.json?.result.changes).toEqual([]);
  });

  const bad: Array<{ label: string; org?: string; consumer?: string; message: string }> = [
    { label: 'an org id with another prefix', org: '00X5g00000ABCDE', message: '"00X5g00000ABCDE" is not an org id' },
    { label: 'an org id of 16 characters', org: '00D5g00000ABCDEF', message: '"00D5g00000ABCDEF" is not an org id' },
    {
      label: 'an 18-character org id whose suffix does not match',
      org: `${HUB_ID15}AAA`,
      message: `"${HUB_ID15}AAA" (--dev-hub-org-id) is not a valid 18-character id`,
    },
    {
      label: 'a consumer id with another prefix',
      consumer: '0Ha5g000000WXYZ',
      message: '"0Ha5g000000WXYZ" is not an OAuth consumer id',
    },
    {
      label: 'a consumer id of 14 characters',
      consumer: '8885g000000WXY',
      message: '"8885g000000WXY" is not an OAuth consumer id',
    },
    {
      label: 'an 18-character consumer id whose suffix does not match',
      consumer: `${CONSUMER.toLowerCase()}${to18(CONSUMER).slice(15)}`,
      message: `"${CONSUMER.toLowerCase()}${to18(CONSUMER).slice(15)}" (--consumer-id) is not a valid 18-character id`,
    },
  ];
  // these never reach an org, so they may run side by side
  itRefuses(
    bad.map((c) => ({
      label: c.label,
      project: () => acmeProject(),
      args: [
        ...LS,
        '--dev-hub-org-id',
        c.org ?? HUB_ID15,
        '--consumer-id',
        c.consumer ?? CONSUMER,
        '-n',
        'Acme_Connector',
      ],
      message: c.message,
      partly: true,
    })),
    {
      title: (label) => `refuses ${label} (exit 2, naming the value), and writes nothing`,
      run: (project, args) => runCli(args, { cwd: project, home }),
    },
  );

  it('needs exactly one --name: a consumer id belongs to one app', async () => {
    const project = acmeProject();
    const none = await runCli([...LS, '--dev-hub-org-id', HUB_ID15, '--consumer-id', CONSUMER, '--json'], {
      cwd: project,
      home,
    });
    expect(none.code).toBe(2);
    expect(none.json?.message).toBe('--consumer-id needs --name: the consumer id belongs to one app.');
    const two = await runCli([...LS, ...OFFLINE_ACME, '-n', 'Billing', '--json'], { cwd: project, home });
    expect(two.code).toBe(2);
    expect(two.json?.message).toBe('--consumer-id belongs to one app, but 2 apps were named: Acme_Connector, Billing.');
    const half = await runCli([...LS, '--consumer-id', CONSUMER, '-n', 'Acme_Connector', '--json'], {
      cwd: project,
      home,
    });
    expect(half.code).toBe(2);
    expect(half.json?.message).toMatch(/--dev-hub-org-id/);
  });

  it('works beside a default Dev Hub, and asks that Dev Hub whether the target is its scratch org', async () => {
    const home2 = tempDir('eca-home-');
    await registerOrg(hub, { home: home2, alias: 'hub', setDefaultDevHub: true });
    await registerOrg(scratch, { home: home2, alias: 'scratch' });
    const project = acmeProject();
    const retrieves = hub.soapCalls('retrieve').length;
    const queries = hub.requests.filter((r) => /ScratchOrgInfo/.test(r.query ?? '')).length;
    const run = await runCli([...LS, ...OFFLINE_ACME, '-o', 'scratch', '--json'], { cwd: project, home: home2 });
    expect(run.code, out(run)).toBe(0);
    expect(run.json?.result.deploy.verified).toBe(true);
    expect(hub.soapCalls('retrieve').length).toBe(retrieves);
    expect(hub.requests.filter((r) => /ScratchOrgInfo/.test(r.query ?? '')).length).toBeGreaterThan(queries);
  });
});

describe('refusals, each with the reason and the fix; the project stays byte for byte as it was', () => {
  function localAppProject(name: string): string {
    const [header, settings] = hubApp({ name, distributionState: 'Packaged', withLink: false });
    return writeProject({
      [`force-app/main/default/externalClientApps/${name}.eca-meta.xml`]: header.xml,
      [`force-app/main/default/extlClntAppOauthSettings/${name}_oauth.ecaOauth-meta.xml`]: settings.xml,
    });
  }

  const cases: Refusal[] = [
    {
      label: 'the Dev Hub’s app is Local',
      project: () => localAppProject('LocalApp'),
      args: ['-v', 'hub', '-o', 'scratch'],
      name: 'SourceLocalError',
      message: "The Dev Hub's app LocalApp is Local: a scratch org can only link to a Packaged app.",
      action: /Make the Dev Hub's app Packaged/,
    },
    {
      label: 'the Dev Hub has no OAuth consumer for the app yet',
      project: () => localAppProject('NoConsumer'),
      args: ['-v', 'hub', '-o', 'scratch'],
      name: 'NoConsumerError',
      message: 'The Dev Hub has no OAuth consumer for NoConsumer yet: its OAuth settings carry no oauthLink.',
      action: /Enable the OAuth plugin of the app in the Dev Hub/,
    },
    {
      label: 'the Dev Hub does not have the app',
      project: () => localAppProject('Nope'),
      args: ['-v', 'hub'],
      name: 'AppNotInOrgError',
      message: 'The org admin@hub.example has no External Client App named Nope.',
      action: /sf org list metadata --metadata-type ExternalClientApplication --target-org admin@hub.example/,
    },
    {
      label: '--target-dev-hub is not a Dev Hub',
      project: () => acmeProject(),
      args: ['-v', 'plain'],
      name: 'NotADevHubError',
      // sf-plugins-core's own error, wrapped by oclif's flag parser
      message:
        'Parsing --target-dev-hub \n\tThe specified org admin@plain.example is not a Dev Hub.\nSee more help with --help',
      action: /^Pass --target-dev-hub the org that owns the apps and has Dev Hub enabled/,
    },
    {
      label: 'the target is not a scratch org of this Dev Hub',
      project: () => acmeProject(),
      args: ['-v', 'hub', '-o', 'stray'],
      name: 'NotScratchOfHubError',
      message: 'admin@stray.example is not a scratch org created by admin@hub.example.',
      action: /Pass a scratch org of this Dev Hub with --target-org/,
    },
    {
      label: 'the target is not a scratch org of this Dev Hub (--dry-run)',
      project: () => acmeProject(),
      args: ['-v', 'hub', '-o', 'stray', '--dry-run'],
      name: 'NotScratchOfHubError',
      message: 'admin@stray.example is not a scratch org created by admin@hub.example.',
      action: /Pass a scratch org of this Dev Hub/,
    },
    {
      label: 'there is no Dev Hub at all',
      project: () => acmeProject(),
      args: [],
      name: 'NoDevHubError',
      message: 'No Dev Hub to read the link from.',
      action: /Pass --target-dev-hub <alias>/,
    },
  ];
  // none of these deploys, so they may run side by side (each asserts that no deploy happened)
  itRefuses(cases, {
    title: (label) => `when ${label}`,
    run: (project, args) => runCli([...LS, ...args], { cwd: project, home }),
    unchanged: () => [scratch, stray].map(deployCount),
  });

  it('prints the reason and the fix to a person, too', async () => {
    const project = localAppProject('LocalApp');
    const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch'], { cwd: project, home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("The Dev Hub's app LocalApp is Local: a scratch org can only link to a Packaged app.");
    expect(run.stderr).toContain(
      'sf project deploy start --metadata ExternalClientApplication:<app> --target-org <dev hub>',
    );
  });
});

describe('the scratch org refuses a wrong deploy: the user learns what to do, and the project stays as it was', () => {
  async function refused(args: string[]): Promise<{ run: Run; project: string }> {
    const project = acmeProject();
    const before = snapshot(project);
    const deploys = scratch.deploys.length;
    const run = await runCli([...LS, ...args, '--json'], { cwd: project, home });
    expect(run.code, out(run)).toBe(2);
    expect(snapshot(project)).toEqual(before);
    expect(scratch.deploys.length).toBe(deploys);
    expect(leftovers(run)).toEqual([]);
    return { run, project };
  }

  it('a link to a consumer the Dev Hub does not have', async () => {
    const deploysBefore = deployCount(scratch);
    const { run } = await refused([
      '--dev-hub-org-id',
      HUB_ID15,
      '--consumer-id',
      '8885g000000ZZZZ',
      '-n',
      'Acme_Connector',
      '-o',
      'scratch',
    ]);
    expect(deployCount(scratch)).toBe(deploysBefore + 1);
    expect(run.json?.name).toBe('DeployBadLinkError');
    expect(run.json?.message).toBe(
      'The scratch org admin@scratch.example refused the OAuth link: ExtlClntAppOauthSettings:Acme_Connector_oauth: Deployment failed because the OAuth link field has incorrect information.',
    );
    expect((run.json as { actions?: string[] }).actions).toEqual([
      "Run this command with --target-dev-hub so the link is the Dev Hub's own, not a hand-written one. The project's files were not changed.",
    ]);
  });

  it('a link to an app the Dev Hub turned back to Local after the project was linked', async () => {
    const original = hub.getComponent('ExternalClientApplication', 'Acme_Connector')!;
    hub.putComponent({ ...original, xml: original.xml.replace('Packaged', 'Local') });
    try {
      const { run } = await refused([...OFFLINE_ACME, '-o', 'scratch']);
      expect(run.json?.name).toBe('DeploySourceLocalError');
      expect(run.json?.message).toBe(
        "The scratch org admin@scratch.example refused the link: ExtlClntAppOauthSettings:Acme_Connector_oauth: We couldn't update your OAuth link because the source external client app doesn't have distribution state PACKAGED.",
      );
      expect((run.json as { actions?: string[] }).actions?.[0]).toMatch(
        /^The Dev Hub's app must be Packaged: run "sf eca prepare", deploy the header to the Dev Hub/,
      );
      // and from the Dev Hub, the same state is caught before anything is deployed
      const deploys = deployCount(scratch);
      const fromHub = await refused(['-v', 'hub', '-o', 'scratch']);
      expect(fromHub.run.json?.name).toBe('SourceLocalError');
      expect(deployCount(scratch)).toBe(deploys);
    } finally {
      hub.putComponent(original);
    }
  });

  it('an orgScopedExternalApp the org does not accept', async () => {
    const validator = scratch.deployValidator;
    scratch.deployValidator = (files) => [
      {
        fileName: HEADER_ZIP,
        fullName: 'Acme_Connector',
        componentType: 'ExternalClientApplication',
        problem:
          'The Org Scoped External Client App must be in the format DeveloperOrganizationId:ExternalClientAppDeveloperName',
      },
      ...(validator ? validator(files, scratch) : []),
    ];
    try {
      const { run } = await refused(['-v', 'hub', '-o', 'scratch']);
      expect(run.json?.name).toBe('DeployBadOrgScopedError');
      expect(run.json?.message).toBe(
        'The scratch org admin@scratch.example refused orgScopedExternalApp: ExternalClientApplication:Acme_Connector: The Org Scoped External Client App must be in the format DeveloperOrganizationId:ExternalClientAppDeveloperName',
      );
    } finally {
      scratch.deployValidator = validator;
    }
  });

  it('a deploy that accepts the files but does not keep the link', async () => {
    const validator = scratch.deployValidator;
    // an org that drops the element silently: the retrieve back tells
    scratch.deployValidator = (files) => {
      for (const [path, xml] of files)
        if (path.endsWith('.ecaOauth')) files.set(path, xml.replace(/\s*<oauthLink>.*<\/oauthLink>/, ''));
      return [];
    };
    try {
      const project = acmeProject();
      const before = snapshot(project);
      const run = await runCli([...LS, '-v', 'hub', '-o', 'scratch', '--json'], { cwd: project, home });
      expect(run.code).toBe(2);
      expect(run.json?.name).toBe('LinkNotHeldError');
      expect(run.json?.message).toBe(
        'The deploy to admin@scratch.example succeeded, but the OAuth settings retrieved back do not hold the link.',
      );
      expect(snapshot(project)).toEqual(before);
      expect(leftovers(run)).toEqual([]);
    } finally {
      scratch.deployValidator = validator;
    }
  });

  it('a server error during the deploy', async () => {
    scratch.addFault({ op: 'deploy', kind: 'serverError' });
    const { run } = await refused(['-v', 'hub', '-o', 'scratch']);
    expect(run.json?.message).toMatch(/admin@scratch\.example/);
  });

  it('an expired scratch org session', async () => {
    scratch.addFault({ op: 'deploy', kind: 'invalidSession' });
    const { run } = await refused(['-v', 'hub', '-o', 'scratch']);
    expect(run.json?.message).toMatch(/expired or is invalid/);
  });
});

describe('scratch org definitions', () => {
  const def = (extra: object): string => JSON.stringify({ orgName: 'Acme', edition: 'Developer', ...extra }, null, 2);

  it('warns, with the exact JSON to add, when a definition in config/ lacks what ECAs need', async () => {
    const project = acmeProject({ 'config/project-scratch-def.json': def({ features: ['EnableSetPasswordInApi'] }) });
    const run = await runCli([...LS, '-v', 'hub', '--json'], { cwd: project, home });
    expect(run.code, out(run)).toBe(0);
    const snippet = JSON.stringify(
      {
        features: ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'],
        settings: { externalClientAppSettings: { enableExternalClientApps: true } },
      },
      null,
      2,
    );
    expect(run.json?.result.scratchDefinitions).toEqual([
      {
        file: 'config/project-scratch-def.json',
        missingFeatures: ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'],
        missingSetting: true,
        snippet,
      },
    ]);
    expect((run.json as { warnings?: string[] }).warnings).toEqual([
      `config/project-scratch-def.json lacks what External Client Apps need in a scratch org. Add:\n${snippet}`,
    ]);
    const human = await runCli([...LS, '-v', 'hub'], { cwd: project, home });
    expect(human.stderr).toContain(
      'config/project-scratch-def.json lacks what External Client Apps need in a scratch org. Add:',
    );
    expect(human.stderr).toContain('"enableExternalClientApps": true');
  });

  it('asks only for what is missing, and says nothing about a complete definition', async () => {
    const project = acmeProject({
      'config/partial-scratch-def.json': def({ features: ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'] }),
      'config/complete-scratch-def.json': def({
        features: ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'],
        settings: { externalClientAppSettings: { enableExternalClientApps: true } },
      }),
      'config/not-a-definition.json': JSON.stringify({ foo: 1 }),
    });
    const run = await runCli([...LS, '-v', 'hub', '--json'], { cwd: project, home });
    expect(run.json?.result.scratchDefinitions).toEqual([
      {
        file: 'config/partial-scratch-def.json',
        missingFeatures: [],
        missingSetting: true,
        snippet: JSON.stringify(
          { settings: { externalClientAppSettings: { enableExternalClientApps: true } } },
          null,
          2,
        ),
      },
    ]);
    // a definition that sfdx-project.json names outside config/ is read too
    const named = acmeProject({
      'sfdx-project.json': JSON.stringify({
        packageDirectories: [{ path: 'force-app', default: true, definitionFile: 'orgs/dev-def.json' }],
        namespace: 'acme',
      }),
      'orgs/dev-def.json': def({}),
    });
    const fromProject = await runCli([...LS, '-v', 'hub', '--json'], { cwd: named, home });
    expect(fromProject.json?.result.scratchDefinitions.map((g: { file: string }) => g.file)).toEqual([
      'orgs/dev-def.json',
    ]);
    const complete = acmeProject({
      'config/project-scratch-def.json': def({
        features: ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'],
        settings: { externalClientAppSettings: { enableExternalClientApps: true } },
      }),
    });
    const quiet = await runCli([...LS, '-v', 'hub'], { cwd: complete, home });
    expect(quiet.code, out(quiet)).toBe(0);
    expect(quiet.stderr).not.toMatch(/lacks what External Client Apps need/);
  });
});

function xmlOf(emu: OrgEmulator, type: string, fullName: string): string | undefined {
  return emu.getComponent(type, fullName)?.xml;
}
