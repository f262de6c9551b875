import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component } from '../helpers/emulator/org-emulator.js';
import { SF_TEST_ENV } from '../helpers/emulator/auth.js';

/** What the org tests share: the built CLI run as a user runs it, app fixtures, and byte-exact tree snapshots. */

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const HUB_ID = '00D5g00000ABCDEEA5';
export const HUB_ID15 = HUB_ID.slice(0, 15);

export type CliRun = {
  code: number;
  stdout: string;
  stderr: string;
  /** the run's own TMPDIR: empty afterwards unless the CLI left something behind */ tmp: string;
  json?: { status: number; result?: any; message?: string; name?: string };
};

/** Runs `node bin/run.js …` asynchronously, so the in-process emulators keep answering while it runs. */
export function runCli(args: string[], options: { cwd: string; home: string }): Promise<CliRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'eca-run-tmp-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...SF_TEST_ENV,
    HOME: options.home,
    SF_CONTENT_TYPE: '',
    TMPDIR: tmp,
  };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[k];
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [join(REPO, 'bin', 'run.js'), ...args],
      { cwd: options.cwd, env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json;
        if (args.includes('--json')) {
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
        }
        resolvePromise({ code, stdout, stderr, tmp, json });
      },
    );
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** path → sha1 of every file under dir (the test's idea of "byte for byte unchanged"). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha1').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

/** Every file's text under dir, for "no secret anywhere" assertions. */
export function allText(dir: string): string {
  return [...snapshot(dir).keys()].map((p) => readFileSync(join(dir, p), 'utf8')).join('\n');
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

export function copyProject(from: string): string {
  const dir = tempDir('eca-project-');
  cpSync(from, dir, { recursive: true });
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
