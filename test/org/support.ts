import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Component } from '../helpers/emulator/org-emulator.js';
import { REPO, runPlugin } from '../helpers/run.js';
import { copyProject, tempDir } from '../helpers/temp.js';
import { allText, snapshot } from '../helpers/tree.js';

/** What the org tests share: the built CLI run as a user runs it, app fixtures, and byte-exact tree snapshots. */

export { REPO, allText, copyProject, snapshot, tempDir };
export const HUB_ID = '00D5g00000ABCDEEA5';
export const HUB_ID15 = HUB_ID.slice(0, 15);

export type CliRun = {
  code: number;
  stdout: string;
  stderr: string;
  /** the run's own TMPDIR: empty afterwards unless the CLI left something behind */ tmp: string;
  json?: { status: number; result?: any; message?: string; name?: string };
};

/** Runs `node bin/run.js …` (test/helpers/run.ts), so the in-process emulators keep answering while it runs. */
export async function runCli(args: string[], options: { cwd: string; home: string }): Promise<CliRun> {
  const r = await runPlugin(args, options);
  return {
    code: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    tmp: r.tmp,
    json: args.includes('--json') ? r.json : undefined,
  };
}

export function writeProject(files: Record<string, string | Buffer>): string {
  const dir = tempDir('eca-project-');
  const all: Record<string, string | Buffer> = {
    'sfdx-project.json': JSON.stringify(
      { packageDirectories: [{ path: 'force-app', default: true }], namespace: 'acme', sourceApiVersion: '66.0' },
      null,
      2,
    ),
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export const SECRET = 'S3CR3T-9f1c2e7d4b8a6';

export type AppShape = {
  name: string;
  /** member names of the plugin files: UI-created (`_oauth`…) or hand-made */
  oauthName?: string | null;
  globalName?: string | null;
  oauthPolicyName?: string | null;
  policyName?: string | null;
  distributionState?: 'Local' | 'Packaged';
  consumerId?: string;
  withLink?: boolean;
  deviceFlow?: boolean;
};

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

/** An app as a Dev Hub holds it, in the shapes seen in public projects. */
export function hubApp(shape: AppShape): Component[] {
  const n = shape.name;
  const consumer = shape.consumerId ?? '8885g000000WXYZ';
  const parts: Component[] = [
    {
      type: 'ExternalClientApplication',
      fullName: n,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication ${NS}>\n    <contactEmail>dev@acme.example</contactEmail>\n    <distributionState>${shape.distributionState ?? 'Local'}</distributionState>\n    <isProtected>false</isProtected>\n    <label>${n}</label>\n    <orgScopedExternalApp>${HUB_ID15}:${n}</orgScopedExternalApp>\n</ExternalClientApplication>\n`,
    },
  ];
  const oauthName = shape.oauthName === undefined ? `${n}_oauth` : shape.oauthName;
  if (oauthName) {
    parts.push({
      type: 'ExtlClntAppOauthSettings',
      fullName: oauthName,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppOauthSettings ${NS}>\n    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>\n    <externalClientApplication>${n}</externalClientApplication>\n    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>\n    <label>${n}</label>\n${shape.withLink === false ? '' : `    <oauthLink>${HUB_ID15}:${consumer}</oauthLink>\n`}</ExtlClntAppOauthSettings>\n`,
    });
  }
  const globalName = shape.globalName === undefined ? `${n}_glbloauth` : shape.globalName;
  if (globalName && oauthName) {
    parts.push({
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: globalName,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppGlobalOauthSettings ${NS}>\n    <callbackUrl>https://app.acme.example/callback</callbackUrl>\n    <consumerKey>3MVG9fakeKey${n}</consumerKey>\n    <consumerSecret>${SECRET}</consumerSecret>\n    <externalClientApplication>${n}</externalClientApplication>\n    <isDeviceFlowEnabled>${shape.deviceFlow ? 'true' : 'false'}</isDeviceFlowEnabled>\n    <isPkceRequired>true</isPkceRequired>\n    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>\n    <label>${n}</label>\n</ExtlClntAppGlobalOauthSettings>\n`,
    });
  }
  const oauthPolicyName = shape.oauthPolicyName === undefined ? `${n}_oauthPlcy` : shape.oauthPolicyName;
  if (oauthPolicyName && oauthName) {
    parts.push({
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: oauthPolicyName,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppOauthConfigurablePolicies ${NS}>\n    <externalClientApplication>${n}</externalClientApplication>\n    <label>${n}</label>\n    <permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>\n</ExtlClntAppOauthConfigurablePolicies>\n`,
    });
  }
  const policyName = shape.policyName === undefined ? `${n}_plcy` : shape.policyName;
  if (policyName) {
    parts.push({
      type: 'ExtlClntAppConfigurablePolicies',
      fullName: policyName,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppConfigurablePolicies ${NS}>\n    <externalClientApplication>${n}</externalClientApplication>\n    <isEnabled>true</isEnabled>\n    <isOauthPluginEnabled>true</isOauthPluginEnabled>\n    <label>${n}</label>\n</ExtlClntAppConfigurablePolicies>\n`,
    });
  }
  return parts;
}
